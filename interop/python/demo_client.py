#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""client.py of the classroom demo (DiegoMGuillén, 2020, Python 2.7), ported to Python 3.11.

Same numbered prints, same texts, recv(1024), and close() without close_notify. Differences:
  * The server is --host/--port (defaults 127.0.0.1 and 8801) instead of sys.argv[1] and a constant.
  * Verification: --cafile PEM verifies the chain AND the host name (check_hostname, SNI = --host);
    --insecure is the original's CERT_NONE; with neither, the system store is used.
  * --tls-version is applied: tlsv1.0..tlsv1.3 -> ssl.TLSVersion, minimum = maximum (default: the
    library's range, as the original). TLS 1.0/1.1 also set 'DEFAULT:@SECLEVEL=0' (OpenSSL 3 needs
    it, and SHA-1 CBC suites); the DeprecationWarning about those versions is silenced.
  * A failed connection or handshake prints 'Error....' and the traceback (the original crashed
    with an uncaught exception there), and exits 1; success exits 0.
  * `except socket.error` (an AttributeError in the original, where `socket` is the class) is OSError.
"""
import argparse
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


# Envoltorio del socket en contexto ssl/tls
def wrapSocket(sock, args):
    if args.insecure:
        sslContext = ssl.create_default_context()
        sslContext.check_hostname = False
        sslContext.verify_mode = ssl.CERT_NONE
    else:
        sslContext = ssl.create_default_context(cafile=args.cafile)  # CERT_REQUIRED + check_hostname
    if args.tls_version:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1 / TLSv1_1
            sslContext.minimum_version = sslContext.maximum_version = VERSIONS[args.tls_version]
        if args.tls_version in ("tlsv1.0", "tlsv1.1"):
            sslContext.set_ciphers("DEFAULT:@SECLEVEL=0")
    return sslContext.wrap_socket(sock, server_hostname=args.host)


def main():
    parser = argparse.ArgumentParser(description="The demo's TLS greeting client (Python 3 port).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--tls-version", choices=VERSIONS)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--cafile", help="PEM to trust; verifies the chain and the host name")
    group.add_argument("--insecure", action="store_true", help="CERT_NONE, as the original")
    args = parser.parse_args()

    # creación del socket
    clientSocket = socket(AF_INET, SOCK_STREAM)
    sslSocket = wrapSocket(clientSocket, args)
    try:
        sslSocket.connect((args.host, args.port))  # the handshake happens here
    except OSError:
        print("Error....")
        print(traceback.format_exc(), flush=True)
        sslSocket.close()
        return 1
    print("1.Me conecto al server....", flush=True)
    try:
        mensaje = "Hola soy tu cliente"
        print("2.Envio el mensaje: " + mensaje, flush=True)
        # Enviamos el mensaje
        sslSocket.sendall(mensaje.encode("utf-8"))
        # Recibimos mensaje
        respuesta = sslSocket.recv(1024).decode("utf-8", "replace")
        print("3.Recibo el mensaje: " + respuesta, flush=True)
        return 0
    except OSError:
        # error en envío
        print("Error....", flush=True)
        try:
            sslSocket.shutdown(SHUT_RDWR)
        except OSError:
            pass
        return 1
    finally:
        # Cerramos el socket si o si.
        print("4.Me desconecto del server", flush=True)
        sslSocket.close()


if __name__ == "__main__":
    sys.exit(main())
