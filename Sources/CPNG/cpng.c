#include "cpng.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error handling: libpng reports errors by calling our error function, which
 * records the message and longjmps back to the setjmp in the C function that
 * called into libpng. Swift never sees the longjmp. */

typedef struct {
    char message[CPNG_ERROR_LENGTH];
} cpng_error_state;

static void cpng_on_error(png_structp png, png_const_charp message) {
    cpng_error_state *state = (cpng_error_state *)png_get_error_ptr(png);
    if (state != NULL) {
        snprintf(state->message, sizeof state->message, "%s", message != NULL ? message : "unknown error");
    }
    png_longjmp(png, 1);
}

static void cpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void cpng_set_error(char *error, size_t error_length, const char *message) {
    if (error != NULL && error_length > 0) {
        snprintf(error, error_length, "%s", message);
    }
}

/* ---- Reading ---- */

struct cpng_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t length;
    size_t position;
    uint32_t width;
    uint32_t height;
    int interlaced;
    cpng_error_state error;
};

static void cpng_read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    cpng_reader *reader = (cpng_reader *)png_get_io_ptr(png);
    if (count > reader->length - reader->position) {
        png_error(png, "unexpected end of data (the file is truncated)");
    }
    memcpy(out, reader->data + reader->position, count);
    reader->position += count;
}

cpng_reader *cpng_reader_open(const uint8_t *data, size_t length,
                              uint32_t *width, uint32_t *height,
                              char *error, size_t error_length) {
    if (data == NULL || length < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        cpng_set_error(error, error_length, "missing PNG signature");
        return NULL;
    }
    cpng_reader *reader = (cpng_reader *)calloc(1, sizeof(cpng_reader));
    if (reader == NULL) {
        cpng_set_error(error, error_length, "out of memory");
        return NULL;
    }
    reader->data = data;
    reader->length = length;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader->error, cpng_on_error, cpng_on_warning);
    if (reader->png == NULL) {
        free(reader);
        cpng_set_error(error, error_length, "out of memory");
        return NULL;
    }
    reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL) {
        png_destroy_read_struct(&reader->png, NULL, NULL);
        free(reader);
        cpng_set_error(error, error_length, "out of memory");
        return NULL;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        cpng_set_error(error, error_length, reader->error.message);
        cpng_reader_free(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, cpng_read_from_memory);
    /* Ancillary chunks with bad CRCs are skipped; critical ones are errors. */
    png_set_crc_action(reader->png, PNG_CRC_DEFAULT, PNG_CRC_QUIET_USE);
    png_read_info(reader->png, reader->info);

    png_uint_32 w = 0, h = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(reader->png, reader->info, &w, &h, &bit_depth, &color_type, &interlace, NULL, NULL);

    /* Normalise every colour type and bit depth to 8-bit RGBA, with no gamma
     * or colour-space conversion: stored sample values are kept as they are. */
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(reader->png);
    }
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) {
        png_set_expand_gray_1_2_4_to_8(reader->png);
    }
    if (png_get_valid(reader->png, reader->info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(reader->png);
    }
    if (bit_depth == 16) {
        png_set_scale_16(reader->png);
    }
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_gray_to_rgb(reader->png);
    }
    png_set_add_alpha(reader->png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    if (png_get_rowbytes(reader->png, reader->info) != (png_size_t)w * 4) {
        cpng_set_error(error, error_length, "unsupported pixel layout");
        cpng_reader_free(reader);
        return NULL;
    }
    reader->width = w;
    reader->height = h;
    reader->interlaced = interlace != PNG_INTERLACE_NONE;
    *width = w;
    *height = h;
    return reader;
}

int cpng_reader_read_rgba(cpng_reader *reader, uint8_t *out, size_t row_bytes,
                          char *error, size_t error_length) {
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)reader->height);
    if (rows == NULL) {
        cpng_set_error(error, error_length, "out of memory");
        return -1;
    }
    for (uint32_t y = 0; y < reader->height; y++) {
        rows[y] = out + (size_t)y * row_bytes;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        free(rows);
        cpng_set_error(error, error_length, reader->error.message);
        return -1;
    }
    png_read_image(reader->png, rows);
    free(rows);
    /* The end chunk is not read: data after the last row does not matter. */
    return 0;
}

int cpng_reader_is_interlaced(const cpng_reader *reader) {
    return reader != NULL && reader->interlaced;
}

int cpng_reader_read_rgba_reduced(cpng_reader *reader, uint32_t factor, uint8_t *out,
                                  char *error, size_t error_length) {
    if (reader->interlaced) {
        cpng_set_error(error, error_length, "an interlaced PNG cannot be decoded row by row");
        return -1;
    }
    if (factor == 0) {
        factor = 1;
    }
    const uint32_t width = reader->width;
    const uint32_t height = reader->height;
    const uint32_t out_width = (width + factor - 1) / factor;
    /* volatile: these are freed after a possible longjmp. */
    uint8_t * volatile row = (uint8_t *)malloc((size_t)width * 4);
    uint64_t * volatile sums = (uint64_t *)calloc((size_t)out_width * 4, sizeof(uint64_t));
    if (row == NULL || sums == NULL) {
        free(row);
        free(sums);
        cpng_set_error(error, error_length, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        free(row);
        free(sums);
        cpng_set_error(error, error_length, reader->error.message);
        return -1;
    }
    uint32_t band_rows = 0;
    uint32_t out_y = 0;
    for (uint32_t y = 0; y < height; y++) {
        png_read_row(reader->png, row, NULL);
        for (uint32_t x = 0; x < width; x++) {
            uint64_t *cell = sums + (size_t)(x / factor) * 4;
            const uint8_t *pixel = row + (size_t)x * 4;
            cell[0] += pixel[0];
            cell[1] += pixel[1];
            cell[2] += pixel[2];
            cell[3] += pixel[3];
        }
        band_rows++;
        if (band_rows == factor || y == height - 1) {
            uint8_t *target = out + (size_t)out_y * out_width * 4;
            for (uint32_t ox = 0; ox < out_width; ox++) {
                uint32_t columns = width - ox * factor < factor ? width - ox * factor : factor;
                uint64_t count = (uint64_t)columns * band_rows;
                for (int c = 0; c < 4; c++) {
                    target[(size_t)ox * 4 + c] = (uint8_t)((sums[(size_t)ox * 4 + c] + count / 2) / count);
                }
            }
            memset(sums, 0, (size_t)out_width * 4 * sizeof(uint64_t));
            band_rows = 0;
            out_y++;
        }
    }
    free(row);
    free(sums);
    return 0;
}

void cpng_reader_free(cpng_reader *reader) {
    if (reader == NULL) {
        return;
    }
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    free(reader);
}

/* ---- Writing ---- */

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
} cpng_output;

static void cpng_write_to_memory(png_structp png, png_bytep data, png_size_t count) {
    cpng_output *output = (cpng_output *)png_get_io_ptr(png);
    if (count > output->capacity - output->length) {
        size_t capacity = output->capacity < 4096 ? 4096 : output->capacity;
        while (count > capacity - output->length) {
            capacity *= 2;
        }
        uint8_t *grown = (uint8_t *)realloc(output->bytes, capacity);
        if (grown == NULL) {
            png_error(png, "out of memory");
        }
        output->bytes = grown;
        output->capacity = capacity;
    }
    memcpy(output->bytes + output->length, data, count);
    output->length += count;
}

static void cpng_flush(png_structp png) {
    (void)png;
}

int cpng_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height,
                     size_t row_bytes, int drop_alpha, int level,
                     uint8_t **out, size_t *out_length,
                     char *error, size_t error_length) {
    cpng_error_state state;
    memset(&state, 0, sizeof state);
    /* volatile: these change between setjmp and a possible longjmp. */
    cpng_output * volatile output = (cpng_output *)calloc(1, sizeof(cpng_output));
    uint8_t * volatile row = NULL;
    png_structp png = NULL;
    png_infop info = NULL;

    if (output == NULL) {
        cpng_set_error(error, error_length, "out of memory");
        return -1;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, cpng_on_error, cpng_on_warning);
    if (png == NULL) {
        free(output);
        cpng_set_error(error, error_length, "out of memory");
        return -1;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(output);
        cpng_set_error(error, error_length, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(output->bytes);
        free(output);
        cpng_set_error(error, error_length, state.message);
        return -1;
    }
    png_set_write_fn(png, output, cpng_write_to_memory, cpng_flush);
    png_set_IHDR(png, info, width, height, 8,
                 drop_alpha ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (level < 0) { level = 0; }
    if (level > 9) { level = 9; }
    png_set_compression_level(png, level);
    png_set_compression_mem_level(png, 9);
    /* One cheap filter instead of per-row adaptive search: most of the speed. */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_write_info(png, info);

    if (drop_alpha) {
        row = (uint8_t *)malloc((size_t)width * 3);
        if (row == NULL) {
            png_error(png, "out of memory");
        }
    }
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *source = pixels + (size_t)y * row_bytes;
        if (drop_alpha) {
            uint8_t *target = row;
            for (uint32_t x = 0; x < width; x++) {
                target[0] = source[0];
                target[1] = source[1];
                target[2] = source[2];
                target += 3;
                source += 4;
            }
            png_write_row(png, row);
        } else {
            png_write_row(png, (png_const_bytep)source);
        }
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    *out = output->bytes;
    *out_length = output->length;
    free(output);
    return 0;
}

void cpng_free_buffer(uint8_t *buffer) {
    free(buffer);
}
