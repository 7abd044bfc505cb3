#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""server.py of the classroom demo (DiegoMGuillén, 2020, Python 2.7), ported to Python 3.11.

Same numbered prints, same texts, recv(1024), and the same close: shutdown(SHUT_RDWR) + close(),
so the server never sends close_notify. Differences from the original:
  * --tls-version is APPLIED (the original built a version table, chose "tlsv1.2" and never used
    it): tlsv1.0..tlsv1.3 -> ssl.TLSVersion, minimum = maximum; without it, any version (as the
    original actually behaved). TLS 1.0/1.1 also set 'DEFAULT:@SECLEVEL=0' (OpenSSL 3 refuses
    them otherwise, and Python's own cipher list has no SHA-1 CBC suites); the
    DeprecationWarning about those versions is silenced.
  * A failed handshake prints 'Error....' and the traceback, as the original, also for OSErrors.
  * --host (default 127.0.0.1, not gethostname()), --port (default 8801, 0 = a free port),
    --cert/--key (default certs/ of this repository) instead of constants.
  * Prints 'listening on HOST:PORT' (flushed) once listen() has returned: a readiness signal.
  * --once serves a single client and exits (0 if the exchange completed, 1 if not).
  * Python 3 strings: the message is decoded/encoded as UTF-8; every print is flushed.
"""
import argparse
import os
import ssl
import sys
import traceback
import warnings
from socket import AF_INET, SHUT_RDWR, SOCK_STREAM, socket

VERSIONS = {
    "tlsv1.0": ssl.TLSVersion.TLSv1,
    "tlsv1.1": ssl.TLSVersion.TLSv1_1,
    "tlsv1.2": ssl.TLSVersion.TLSv1_2,
    "tlsv1.3": ssl.TLSVersion.TLSv1_3,
}
CERTS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "certs"))


def make_context(version, certificado, clavepublica):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certificado, clavepublica)
    if version:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1 / TLSv1_1
            ctx.minimum_version = ctx.maximum_version = VERSIONS[version]
    if version in ("tlsv1.0", "tlsv1.1"):
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


# Envoltorio del socket en contexto ssl/tls
def wrapSocket(sock, ctx, clavepublica, certificado):
    print("1.Cliente conectado....", flush=True)
    print("2.Certificado leido: ", certificado, "clavepublica leida", clavepublica, flush=True)
    try:
        return ctx.wrap_socket(sock, server_side=True)
    except OSError:  # ssl.SSLError, and resets the original did not catch
        print("Error....")
        print(traceback.format_exc(), flush=True)
        sock.close()


def serve(serverSocket, ctx, args):
    """One client, as in the original loop body. True when the exchange completed."""
    print("Activo y preparado para recibir conexiones\n", flush=True)
    newSocket, addr = serverSocket.accept()
    connectionSocket = wrapSocket(newSocket, ctx, args.key, args.cert)
    if not connectionSocket:
        return False
    try:
        mensaje = connectionSocket.recv(1024).decode("utf-8", "replace")
        print("3.Mensaje recibido desde el cliente: ", mensaje, flush=True)
        connectionSocket.send("Hola soy tu servidor....".encode("utf-8"))
        # cerramos la conexión (sin close_notify, como el original)
        connectionSocket.shutdown(SHUT_RDWR)
        connectionSocket.close()
        print("4.Cliente desconectado....\n", flush=True)
        return True
    except OSError:
        try:
            connectionSocket.shutdown(SHUT_RDWR)
        except OSError:
            pass
        connectionSocket.close()
        return False


def main():
    parser = argparse.ArgumentParser(description="The demo's TLS greeting server (Python 3 port).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801, help="0 picks a free port")
    parser.add_argument("--tls-version", choices=VERSIONS, help="pin one version (default: any)")
    parser.add_argument("--cert", default=os.path.join(CERTS, "diegoUcamCert.pem"))
    parser.add_argument("--key", default=os.path.join(CERTS, "diegoUcamKey.pem"))
    parser.add_argument("--once", action="store_true", help="serve one client, then exit")
    args = parser.parse_args()

    ctx = make_context(args.tls_version, args.cert, args.key)
    # creación del socket
    serverSocket = socket(AF_INET, SOCK_STREAM)
    serverSocket.bind((args.host, args.port))
    serverSocket.listen(10)
    host, port = serverSocket.getsockname()
    print(f"listening on {host}:{port} ({args.tls_version or 'any version'})", flush=True)
    try:
        while True:
            ok = serve(serverSocket, ctx, args)
            if args.once:
                return 0 if ok else 1
    except KeyboardInterrupt:
        return 0
    finally:
        serverSocket.close()


if __name__ == "__main__":
    sys.exit(main())
