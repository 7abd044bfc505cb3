#!/usr/bin/env python3
"""A tlslite-ng greeting server: the demo's server exchange on one pure-Python TLS stack.

For each client: handshake, read the greeting (one read of up to 1024 bytes, plus whatever is
already waiting, so a TLS 1.0 client's 1/n-1 record split arrives whole), print it, send the
reply, close with close_notify. Prints 'listening on HOST:PORT' once listen() has returned.
Output is one line per event, the texts as JSON strings so that they can be compared exactly:
    handshake done: tlsv1.2 aes256gcm
    received: "Hola soy tu cliente"
    sent: "Hola soy tu servidor...."
    failed: <the tlslite-ng exception>
--once serves one client and exits 0 if the exchange completed, 1 if not.
"""
import argparse
import json
import select
import socket
import sys

from tlslite.api import TLSConnection, X509CertChain, parsePEMKey

from common import VERSIONS, describe, settings


def load_credentials(cert_path, key_path):
    with open(cert_path) as f:
        chain = X509CertChain()
        chain.parsePemList(f.read())
    with open(key_path) as f:
        key = parsePEMKey(f.read(), private=True)
    return chain, key


def serve_one(listener, chain, key, handshake_settings, reply, timeout):
    sock, _ = listener.accept()
    sock.settimeout(timeout)
    connection = TLSConnection(sock)
    try:
        connection.handshakeServer(certChain=chain, privateKey=key, settings=handshake_settings)
        print("handshake done: " + describe(connection), flush=True)
        data = bytes(connection.read(max=1024, min=1))
        # A 1/n-1 split (TLS 1.0, CBC) sends 'H' and the rest back to back: take what is already there.
        while len(data) < 1024 and select.select([sock], [], [], 0)[0]:
            more = bytes(connection.read(max=1024 - len(data), min=0))
            if not more:
                break
            data += more
        print("received: " + json.dumps(data.decode("utf-8", "replace")), flush=True)
        connection.write(reply.encode("utf-8"))
        print("sent: " + json.dumps(reply), flush=True)
        connection.close()  # close_notify
        return True
    except Exception as error:  # tlslite-ng raises its own TLSError subclasses and socket errors
        print("failed: %s: %s" % (type(error).__name__, error), flush=True)
        return False
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-version", choices=VERSIONS)
    parser.add_argument("--cert", required=True, help="PEM certificate chain, leaf first")
    parser.add_argument("--key", required=True, help="PEM private key")
    parser.add_argument("--reply", default="Hola soy tu servidor....")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per client")
    parser.add_argument("--once", action="store_true", help="serve one client, then exit")
    args = parser.parse_args()

    chain, key = load_credentials(args.cert, args.key)
    handshake_settings = settings(args.tls_version)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((args.host, args.port))
    listener.listen(10)
    host, port = listener.getsockname()
    print("listening on %s:%d (%s)" % (host, port, args.tls_version or "tlsv1.0-tlsv1.3"), flush=True)
    try:
        while True:
            ok = serve_one(listener, chain, key, handshake_settings, args.reply, args.timeout)
            if args.once:
                return 0 if ok else 1
    except KeyboardInterrupt:
        return 0
    finally:
        listener.close()


if __name__ == "__main__":
    sys.exit(main())
