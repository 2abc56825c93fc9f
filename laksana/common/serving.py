"""Serving Laksana over ASGI with uvicorn: one process, or several that each accept their own
connections.

uvicorn's own `--workers` shares one listening socket between its processes, and whichever process
wakes first accepts every connection waiting at that moment: a burst of keep-alive clients (a
room's screens reconnecting, a load test) all land on one process while the others idle. Here
each worker process binds its own socket to the same address with SO_REUSEPORT, so the kernel
spreads new connections over the processes.
"""

import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys

import uvicorn

APP = "laksana.asgi:application"


def _config(host: str, port: int, *, log_level: str, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(
        APP, host=host, port=port, log_level=log_level, access_log=access_log, lifespan="off"
    )


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, log_level: str, access_log: bool) -> None:
    sock = _reuse_port_socket(host, port)
    uvicorn.Server(_config(host, port, log_level=log_level, access_log=access_log)).run([sock])


def serve(
    *, host: str, port: int, workers: int, log_level: str = "info", access_log: bool = True
) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status. With several workers, a worker that
    dies stops the others (a supervisor such as systemd restarts the whole server)."""
    if workers <= 1:
        uvicorn.run(
            APP, host=host, port=port, log_level=log_level, access_log=access_log, lifespan="off"
        )
        return 0
    # Bound once here first, so a taken port fails at once and loudly rather than in each worker.
    _reuse_port_socket(host, port).close()
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(
            target=_worker, args=(host, port, log_level, access_log), name=f"laksana-web-{i}"
        )
        for i in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(_signum, _frame) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn finishes its open requests on SIGTERM

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    sentinels = {process.sentinel: process for process in processes}
    while sentinels:
        ended = multiprocessing.connection.wait(list(sentinels))
        for sentinel in ended:
            process = sentinels.pop(sentinel)
            process.join()  # its sentinel closes a moment before its exit status can be read
            if process.exitcode not in (0, -signal.SIGTERM) and status == 0:
                status = 1
                sys.stderr.write(f"{process.name} exited with {process.exitcode}: stopping\n")
                stop(None, None)
    return status
