import os, sys, time, json
import ganbook, keras, numpy as np, tensorflow as tf
from keras import layers
from ganbook import models, training, losses, data, callbacks, metrics
opts = dict(a.split("=") for a in sys.argv[1:])
STEPS = int(opts.get("steps", 1500)); lr = float(opts.get("lr", 1e-4)); lk = float(opts.get("lk", 1e-3)); gamma = float(opts.get("gamma", 0.5))
hidden = int(opts.get("hidden", 64)); dw = int(opts.get("dw", 32)); kind = opts.get("ae", "ours")
keras.utils.set_random_seed(0)
ds = data.load_dataset("mnist"); x = data.to_signed_range(ds.x_train[:8000])
if kind == "ours":
    D = models.make_autoencoder_discriminator(dw, hidden)
elif kind == "weaknobn":
    D = keras.Sequential([keras.Input((28,28,1)), layers.Conv2D(dw, 3, strides=2, padding="same"), layers.ELU(), layers.Flatten(),
        layers.Dense(hidden), layers.ELU(), layers.Dense(14*14*dw), layers.ELU(),
        layers.Reshape((14,14,dw)), layers.UpSampling2D(), layers.Conv2D(1, 3, padding="same")])
else:  # a weak AE: one conv, bottleneck with BN, one conv
    D = keras.Sequential([keras.Input((28,28,1)), layers.Conv2D(dw, 3, strides=2, padding="same"), layers.ReLU(), layers.Flatten(),
        layers.Dense(hidden), layers.BatchNormalization(), layers.ReLU(), layers.Dense(14*14*dw), layers.BatchNormalization(), layers.ReLU(),
        layers.Reshape((14,14,dw)), layers.UpSampling2D(), layers.Conv2D(1, 3, padding="same")])
gan = training.BEGAN(models.make_dcgan_generator(16, 16), D, seed=0)
dec = opts.get("decay","1")=="1"
def adam(): return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, STEPS) if dec else lr, beta_1=0.5)
gan.compile(adam(), adam(), gamma=gamma, lambda_k=lk)
b = callbacks.SeededEpochs(x, 64, 0)
ev = callbacks.Evaluate(every=STEPS//5, dataset="mnist", n=2000)
t=time.perf_counter(); h = gan.fit(b.dataset, epochs=-(-STEPS//125), verbose=0, callbacks=[b, ev]); sec=time.perf_counter()-t
print(json.dumps({"opts": opts, "ms": round(1000*sec/STEPS), "fid": [round(v,1) for v in ev.history["fid"]], "score": [round(v,2) for v in ev.history["classifier_score"]],
  "k": [round(v,3) for v in h.history["k"]][::2], "g": [round(v,3) for v in h.history["g_loss"]][::2], "m": [round(v,3) for v in h.history["m_global"]][::2]}))
np.save("/tmp/exp/began_samples_%s.npy" % opts.get("tag","x"), gan.generate(36, seed=1))
