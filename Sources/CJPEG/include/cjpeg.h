#ifndef JOURNEYMAN_CJPEG_H
#define JOURNEYMAN_CJPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Size of the error buffers passed to the functions below.
#define CJPEG_ERROR_LENGTH 256

/// An in-progress JPEG decode: the header has been read, the pixels have not.
typedef struct cjpeg_reader cjpeg_reader;

/// Reads only the JPEG header and reports the stored image size.
/// Returns 0 on success, -1 (with `error` filled) on failure.
int cjpeg_read_dimensions(const uint8_t *data, size_t length,
                          uint32_t *width, uint32_t *height,
                          char *error, size_t error_length);

/// Reads the header and prepares an RGBA8 decode scaled by `scale_num/scale_denom`
/// (libjpeg supports n/8 for n = 1...16; 1/2, 1/4 and 1/8 are the fast ones).
/// On success `width`/`height` get the stored size and `output_width`/
/// `output_height` the size the pixels will have. `data` must stay alive until
/// `cjpeg_reader_free`. `max_memory` (bytes, 0 for none) bounds what the decoder may allocate: past it
/// the decode fails. Returns NULL (with `error` filled) on failure.
cjpeg_reader *cjpeg_reader_open(const uint8_t *data, size_t length,
                                unsigned int scale_num, unsigned int scale_denom,
                                long max_memory,
                                uint32_t *width, uint32_t *height,
                                uint32_t *output_width, uint32_t *output_height,
                                char *error, size_t error_length);

/// Decodes the pixels as RGBA8 (alpha 255) into `out` (output_height rows of
/// `row_bytes` bytes). Returns 0 on success, -1 (with `error` filled) on failure.
int cjpeg_reader_read_rgba(cjpeg_reader *reader, uint8_t *out, size_t row_bytes,
                           char *error, size_t error_length);

/// Releases the reader (safe on NULL).
void cjpeg_reader_free(cjpeg_reader *reader);

/// Encodes `pixels` (RGBA8, `row_bytes` per row) as a baseline JPEG at
/// `quality` (1-100). Non-opaque pixels are composited over white.
/// On success returns 0 and `*out`/`*out_length` hold a malloc'd buffer
/// the caller frees with `cjpeg_free_buffer`.
int cjpeg_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height,
                      size_t row_bytes, int quality,
                      uint8_t **out, size_t *out_length,
                      char *error, size_t error_length);

/// Frees a buffer returned by `cjpeg_encode_rgba`.
void cjpeg_free_buffer(uint8_t *buffer);

#ifdef __cplusplus
}
#endif

#endif
