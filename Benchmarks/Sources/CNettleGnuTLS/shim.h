/*
 * The GnuTLS and nettle headers crypto-limits uses, plus the helpers Swift cannot
 * import directly: gnutls_free is a function-pointer variable, GNUTLS_CURVE_TO_BITS is a
 * function-like macro, and nettle wants a C random callback.
 */
#ifndef CNETTLEGNUTLS_SHIM_H
#define CNETTLEGNUTLS_SHIM_H

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <nettle/version.h>
#include <nettle/curve25519.h>
#include <stdint.h>
#include <stdlib.h>

/* Releases memory that GnuTLS allocated (signatures, exports). */
static inline void cnettle_gnutls_free(void *pointer) { gnutls_free(pointer); }

/* GNUTLS_CURVE_TO_BITS(curve): the `bits` argument that selects an ECC curve. */
static inline unsigned int cnettle_curve_to_bits(gnutls_ecc_curve_t curve) { return GNUTLS_CURVE_TO_BITS(curve); }

/*
 * A nettle_random_func backed by gnutls_rnd(GNUTLS_RND_RANDOM), the level GnuTLS uses for
 * ephemeral keys. GnuTLS's generator does not fail once initialised; if it ever does,
 * the numbers would be meaningless, so stop.
 */
static inline void cnettle_gnutls_random(void *context, size_t length, uint8_t *destination)
{
    (void) context;
    if (gnutls_rnd(GNUTLS_RND_RANDOM, destination, length) < 0)
        abort();
}

#endif
