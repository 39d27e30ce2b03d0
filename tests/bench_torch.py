#!/usr/bin/env python3
"""make bench's PyTorch side: the reference model of ../shared/ref, timed on
the very series bench_train times vigil on.

LSTM(50) + Dense(F), look_back 10, batch 32, Adam (lr 1e-3), MSE, no
shuffling, the first TRAIN windows of the series per epoch; one warm-up
epoch, then EPOCHS timed ones; then inference over every window in batches
of 1024 (best of REPS). The series is float32, metrics x rows
(column-major, as vigil holds it), in the file bench_train wrote.

Threads: bench_train sets OMP_NUM_THREADS, MKL_NUM_THREADS and
OPENBLAS_NUM_THREADS before this starts; here torch.set_num_threads(T) and
one inter-op thread, as in ../shared/ref.

Prints one JSON line: per-epoch seconds, inference windows/s, versions.
Writes nothing.

usage: bench_torch.py DATA ROWS FEATURES TRAIN THREADS EPOCHS REPS
"""
import json
import os
import sys
import time


def main():
    data, rows, feats, ntrain, threads, epochs, reps = sys.argv[1:8]
    rows, feats, ntrain = int(rows), int(feats), int(ntrain)
    threads, epochs, reps = int(threads), int(epochs), int(reps)
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    values = np.fromfile(data, dtype=np.float32, count=rows * feats)
    series = torch.from_numpy(values.reshape(feats, rows).T.copy())
    look_back = 10
    # window i: rows [i, i + 10) -> row i + 10
    x = series.unfold(0, look_back, 1)[:-1].permute(0, 2, 1).contiguous()
    y = series[look_back:]
    xt, yt = x[:ntrain], y[:ntrain]

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(feats, 50, batch_first=True)
            self.dense = torch.nn.Linear(50, feats)

        def forward(self, inp):
            out, _ = self.lstm(inp)
            return self.dense(out[:, -1, :])

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    times = []
    loss_sum = 0.0
    for epoch in range(1 + epochs):
        t0 = time.perf_counter()
        loss_sum = 0.0
        for b in range(0, ntrain, 32):
            opt.zero_grad()
            loss = loss_fn(net(xt[b:b + 32]), yt[b:b + 32])
            loss.backward()
            opt.step()
            loss_sum += float(loss)
        if epoch > 0:
            times.append(time.perf_counter() - t0)
    best_infer = float("inf")
    with torch.no_grad():
        for _ in range(reps):
            t0 = time.perf_counter()
            for b in range(0, len(x), 1024):
                net(x[b:b + 1024])
            best_infer = min(best_infer, time.perf_counter() - t0)
    print(json.dumps({
        "epoch_s": times,
        "windows": ntrain,
        "last_loss": loss_sum / ((ntrain + 31) // 32),
        "infer_windows_per_s": len(x) / best_infer,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
    }))


if __name__ == "__main__":
    main()
