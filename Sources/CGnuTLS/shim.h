/*
 * The GnuTLS headers tlshello uses, plus the few helpers Swift cannot import
 * directly: gnutls_free is a global function-pointer variable, and some
 * constants are cast or function-like macros.
 */
#ifndef CGNUTLS_SHIM_H
#define CGNUTLS_SHIM_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/ocsp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Releases memory that GnuTLS allocated (exports, prints, descriptions). */
static inline void cgnutls_free(void *pointer) { gnutls_free(pointer); }

/* GNUTLS_HANDSHAKE_ANY is `(unsigned) -1`, which does not import. */
static inline unsigned int cgnutls_handshake_any(void) { return GNUTLS_HANDSHAKE_ANY; }

/* GNUTLS_CURVE_TO_BITS(curve): the `bits` argument that selects an ECC curve. */
static inline unsigned int cgnutls_curve_to_bits(gnutls_ecc_curve_t curve) { return GNUTLS_CURVE_TO_BITS(curve); }

/* Sets errno for a transport callback, so GnuTLS sees EAGAIN from memory buffers. */
static inline void cgnutls_set_errno(int value) { errno = value; }

#endif
