#ifndef IDEAMESH_CZLIB_SHIM_H
#define IDEAMESH_CZLIB_SHIM_H
// `next_in` as a pointer to const: zlib never writes its input.
#define ZLIB_CONST
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call. Raw deflate (RFC 1951, no
// zlib or gzip wrapper): windowBits -15.
static inline int ideamesh_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

static inline int ideamesh_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -15);
}
#endif
