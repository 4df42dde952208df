import os, sys, time, json
import ganbook, keras, numpy as np
from ganbook import models, training, losses, data, callbacks, metrics
kind = sys.argv[1]; STEPS = int(sys.argv[2]); opts = dict(a.split("=") for a in sys.argv[3:])
SEED = int(opts.get("seed", 0)); keras.utils.set_random_seed(SEED)
ds = data.load_dataset("mnist"); x = data.to_signed_range(ds.x_train[:8000])
lr = float(opts.get("lr", 1e-4)); decay = opts.get("decay", "0") == "1"
latent = int(opts.get("latent", 16)); gw = int(opts.get("gw", 16)); dw = int(opts.get("dw", 32))
def opt(b1, b2):
    rate = keras.optimizers.schedules.CosineDecay(lr, STEPS) if decay else lr
    return keras.optimizers.Adam(rate, beta_1=b1, beta_2=b2)
if kind == "wgan":
    nc = int(opts.get("nc", 5))
    gan = training.GAN(models.make_dcgan_generator(latent, gw), models.make_dcgan_discriminator(dw), seed=SEED)
    gan.compile(opt(0.0, 0.9), opt(0.0, 0.9), d_loss_fn=losses.wasserstein_d_loss, g_loss_fn=losses.wasserstein_g_loss, n_critic=nc, gradient_penalty_weight=10.0)
    b = callbacks.SeededEpochs(x, 64 * nc, SEED)
else:
    gamma = float(opts.get("gamma", 0.5))
    gan = training.BEGAN(models.make_dcgan_generator(latent, gw), models.make_autoencoder_discriminator(dw, int(opts.get("hidden", 64))), seed=SEED)
    gan.compile(opt(0.5, 0.999), opt(0.5, 0.999), gamma=gamma, lambda_k=float(opts.get("lk", 1e-3)))
    b = callbacks.SeededEpochs(x, 64, SEED)
ev = callbacks.Evaluate(every=max(STEPS // 5, 1), dataset="mnist", n=2000)
epochs = -(-STEPS // b.batches_per_epoch)
class Stop(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.step.numpy()) >= STEPS: self.model.stop_training = True
t = time.perf_counter(); h = gan.fit(b.dataset, epochs=epochs, verbose=0, callbacks=[b, ev, Stop()]); sec = time.perf_counter() - t
out = {"kind": kind, "opts": opts, "steps": int(gan.step.numpy()), "sec": round(sec), "ms_step": round(1000*sec/int(gan.step.numpy())),
       "fid": [round(v, 1) for v in ev.history["fid"]], "score": [round(v, 2) for v in ev.history["classifier_score"]],
       "last": {k: round(float(v[-1]), 4) for k, v in h.history.items()}}
print(json.dumps(out))
