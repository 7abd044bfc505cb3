#!/usr/bin/env python3
"""A tlslite-ng greeting client: the demo's client exchange on one pure-Python TLS stack.

Handshake, send the greeting, read the reply until the server closes, close with close_notify.
tlslite-ng 0.8.2 cannot validate a certificate chain, so the server is checked by pinning:
--pin PEM names the certificate the server must present as its leaf, and the handshake is
refused unless the SHA-256 fingerprint of the leaf it sent equals that certificate's.
Output, the texts as JSON strings so that they can be compared exactly:
    handshake done: tlsv1.3 aes256gcm
    server certificate pinned: SHA-256 ab:cd:...
    sent: "Hola soy tu cliente"
    received: "Hola soy tu servidor...."
or, on failure, one line 'failed: <the tlslite-ng exception>' and exit status 1.
"""
import argparse
import hashlib
import json
import socket
import ssl
import sys

from tlslite.api import TLSConnection

from common import VERSIONS, describe, settings


def fingerprint(der):
    return ":".join("%02x" % b for b in hashlib.sha256(der).digest())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-version", choices=VERSIONS)
    parser.add_argument("--pin", required=True, help="PEM of the leaf certificate the server must present")
    parser.add_argument("--message", default="Hola soy tu cliente")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    with open(args.pin) as f:
        expected = fingerprint(ssl.PEM_cert_to_DER_cert(f.read()))
    sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    connection = TLSConnection(sock)
    try:
        connection.handshakeClientCert(settings=settings(args.tls_version))
        print("handshake done: " + describe(connection), flush=True)
        leaf = fingerprint(bytes(connection.session.serverCertChain.x509List[0].bytes))
        if leaf != expected:
            raise ValueError("server certificate SHA-256 %s is not the pinned %s" % (leaf, expected))
        print("server certificate pinned: SHA-256 " + leaf, flush=True)
        connection.write(args.message.encode("utf-8"))
        print("sent: " + json.dumps(args.message), flush=True)
        reply = b""
        while True:  # until the server's close_notify
            chunk = bytes(connection.read(max=1024, min=1))
            if not chunk:
                break
            reply += chunk
        print("received: " + json.dumps(reply.decode("utf-8", "replace")), flush=True)
        connection.close()
        return 0
    except Exception as error:  # tlslite-ng's TLSError subclasses, socket errors, the pin
        print("failed: %s: %s" % (type(error).__name__, error), flush=True)
        return 1
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
