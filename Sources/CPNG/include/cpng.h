#ifndef JOURNEYMAN_CPNG_H
#define JOURNEYMAN_CPNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Size of the error buffers passed to the functions below.
#define CPNG_ERROR_LENGTH 256

/// An in-progress PNG decode: the header has been read, the pixels have not.
typedef struct cpng_reader cpng_reader;

/// Reads the PNG header from `data` and prepares an RGBA8 decode.
/// Returns NULL and fills `error` on failure. `data` must stay alive until
/// `cpng_reader_free`. On success `width`/`height` receive the image size.
cpng_reader *cpng_reader_open(const uint8_t *data, size_t length,
                              uint32_t *width, uint32_t *height,
                              char *error, size_t error_length);

/// Decodes every pixel as RGBA8 into `out` (height rows of `row_bytes` bytes).
/// Returns 0 on success, -1 (with `error` filled) on failure.
int cpng_reader_read_rgba(cpng_reader *reader, uint8_t *out, size_t row_bytes,
                          char *error, size_t error_length);

/// Whether the PNG is interlaced (Adam7), which needs the whole image in memory to decode.
int cpng_reader_is_interlaced(const cpng_reader *reader);

/// Decodes a non-interlaced PNG row by row, averaging each `factor`×`factor` block of pixels into one RGBA8
/// pixel of `out` (ceil(height/factor) rows of ceil(width/factor) pixels, packed). Holds one source row at a
/// time, never the whole image. Returns 0 on success, -1 (with `error` filled) on failure.
int cpng_reader_read_rgba_reduced(cpng_reader *reader, uint32_t factor, uint8_t *out,
                                  char *error, size_t error_length);

/// Releases the reader (safe on NULL).
void cpng_reader_free(cpng_reader *reader);

/// Encodes `pixels` (RGBA8, `row_bytes` per row) as a PNG. When `drop_alpha`
/// is non-zero the alpha channel is left out (RGB colour type).
/// `level` is the zlib level (0-9). On success returns 0 and `*out`/`*out_length`
/// hold a malloc'd buffer the caller frees with `cpng_free_buffer`.
int cpng_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height,
                     size_t row_bytes, int drop_alpha, int level,
                     uint8_t **out, size_t *out_length,
                     char *error, size_t error_length);

/// Frees a buffer returned by `cpng_encode_rgba`.
void cpng_free_buffer(uint8_t *buffer);

#ifdef __cplusplus
}
#endif

#endif
