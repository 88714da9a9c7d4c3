#include "cjpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* libjpeg reports fatal errors through error_exit, which must not return.
 * We longjmp back to the setjmp in whichever function below called libjpeg,
 * so Swift never sees a longjmp and every failure becomes an error message. */

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} cjpeg_error_mgr;

static void cjpeg_error_exit(j_common_ptr cinfo) {
    cjpeg_error_mgr *manager = (cjpeg_error_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, manager->message);
    longjmp(manager->jump, 1);
}

static void cjpeg_emit_message(j_common_ptr cinfo, int level) {
    /* Warnings are ignored (real-world files often have harmless ones), except
     * running out of data: libjpeg would pad with grey, we report truncation. */
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        cjpeg_error_mgr *manager = (cjpeg_error_mgr *)cinfo->err;
        snprintf(manager->message, sizeof manager->message, "unexpected end of data (the file is truncated)");
        longjmp(manager->jump, 1);
    }
    if (level < 0) {
        cinfo->err->num_warnings++;
    }
}

static void cjpeg_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

static void cjpeg_install_errors(cjpeg_error_mgr *manager) {
    jpeg_std_error(&manager->base);
    manager->base.error_exit = cjpeg_error_exit;
    manager->base.emit_message = cjpeg_emit_message;
    manager->base.output_message = cjpeg_output_message;
    manager->message[0] = 0;
}

static void cjpeg_set_error(char *error, size_t error_length, const char *message) {
    if (error != NULL && error_length > 0) {
        snprintf(error, error_length, "%s", message);
    }
}

/* ---- Reading ---- */

struct cjpeg_reader {
    struct jpeg_decompress_struct cinfo;
    cjpeg_error_mgr errors;
    int created;
    int cmyk;
    int inverted_cmyk;
};

int cjpeg_read_dimensions(const uint8_t *data, size_t length,
                          uint32_t *width, uint32_t *height,
                          char *error, size_t error_length) {
    uint32_t output_width = 0, output_height = 0;
    cjpeg_reader *reader = cjpeg_reader_open(data, length, 1, 1, 0, width, height,
                                             &output_width, &output_height, error, error_length);
    if (reader == NULL) {
        return -1;
    }
    cjpeg_reader_free(reader);
    return 0;
}

cjpeg_reader *cjpeg_reader_open(const uint8_t *data, size_t length,
                                unsigned int scale_num, unsigned int scale_denom,
                                long max_memory,
                                uint32_t *width, uint32_t *height,
                                uint32_t *output_width, uint32_t *output_height,
                                char *error, size_t error_length) {
    if (data == NULL || length < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        cjpeg_set_error(error, error_length, "missing JPEG start-of-image marker");
        return NULL;
    }
    cjpeg_reader *reader = (cjpeg_reader *)calloc(1, sizeof(cjpeg_reader));
    if (reader == NULL) {
        cjpeg_set_error(error, error_length, "out of memory");
        return NULL;
    }
    reader->cinfo.err = &reader->errors.base;
    cjpeg_install_errors(&reader->errors);
    if (setjmp(reader->errors.jump)) {
        cjpeg_set_error(error, error_length, reader->errors.message);
        cjpeg_reader_free(reader);
        return NULL;
    }
    jpeg_create_decompress(&reader->cinfo);
    reader->created = 1;
    jpeg_mem_src(&reader->cinfo, (const unsigned char *)data, (unsigned long)length);
    /* Keep APP14 (Adobe) so CMYK inversion is detected; skip everything else. */
    jpeg_read_header(&reader->cinfo, TRUE);

    switch (reader->cinfo.jpeg_color_space) {
    case JCS_CMYK:
    case JCS_YCCK:
        reader->cinfo.out_color_space = JCS_CMYK;
        reader->cmyk = 1;
        reader->inverted_cmyk = reader->cinfo.saw_Adobe_marker;
        break;
    default:
        reader->cinfo.out_color_space = JCS_EXT_RGBA;
        break;
    }
    if (scale_num == 0) { scale_num = 1; }
    if (scale_denom == 0) { scale_denom = 1; }
    reader->cinfo.scale_num = scale_num;
    reader->cinfo.scale_denom = scale_denom;
    reader->cinfo.dct_method = JDCT_ISLOW;
    /* A bound on what libjpeg may allocate (a progressive image holds every DCT coefficient at once); past it,
     * with no backing store, the decode fails instead of growing. */
    if (max_memory > 0) {
        reader->cinfo.mem->max_memory_to_use = max_memory;
    }
    jpeg_calc_output_dimensions(&reader->cinfo);

    *width = reader->cinfo.image_width;
    *height = reader->cinfo.image_height;
    *output_width = reader->cinfo.output_width;
    *output_height = reader->cinfo.output_height;
    return reader;
}

int cjpeg_reader_read_rgba(cjpeg_reader *reader, uint8_t *out, size_t row_bytes,
                           char *error, size_t error_length) {
    uint8_t * volatile cmyk_row = NULL;
    if (setjmp(reader->errors.jump)) {
        free(cmyk_row);
        cjpeg_set_error(error, error_length, reader->errors.message);
        return -1;
    }
    jpeg_start_decompress(&reader->cinfo);
    const JDIMENSION width = reader->cinfo.output_width;
    if (reader->cmyk) {
        cmyk_row = (uint8_t *)malloc((size_t)width * 4);
        if (cmyk_row == NULL) {
            cjpeg_set_error(error, error_length, "out of memory");
            return -1;
        }
    }
    while (reader->cinfo.output_scanline < reader->cinfo.output_height) {
        uint8_t *target = out + (size_t)reader->cinfo.output_scanline * row_bytes;
        if (!reader->cmyk) {
            JSAMPROW row = target;
            jpeg_read_scanlines(&reader->cinfo, &row, 1);
            continue;
        }
        JSAMPROW row = cmyk_row;
        jpeg_read_scanlines(&reader->cinfo, &row, 1);
        const uint8_t *source = cmyk_row;
        for (JDIMENSION x = 0; x < width; x++) {
            unsigned c = source[0], m = source[1], y = source[2], k = source[3];
            if (!reader->inverted_cmyk) {
                c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
            }
            /* Adobe files store inverted CMYK: each value is already (255 - ink). */
            target[0] = (uint8_t)((c * k + 127) / 255);
            target[1] = (uint8_t)((m * k + 127) / 255);
            target[2] = (uint8_t)((y * k + 127) / 255);
            target[3] = 255;
            source += 4;
            target += 4;
        }
    }
    free(cmyk_row);
    /* Not calling jpeg_finish_decompress: trailing data after the last row is irrelevant. */
    jpeg_abort_decompress(&reader->cinfo);
    return 0;
}

void cjpeg_reader_free(cjpeg_reader *reader) {
    if (reader == NULL) {
        return;
    }
    if (reader->created) {
        jpeg_destroy_decompress(&reader->cinfo);
    }
    free(reader);
}

/* ---- Writing ---- */

int cjpeg_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height,
                      size_t row_bytes, int quality,
                      uint8_t **out, size_t *out_length,
                      char *error, size_t error_length) {
    struct jpeg_compress_struct cinfo;
    cjpeg_error_mgr errors;
    unsigned char * volatile buffer = NULL;
    unsigned long buffer_length = 0;
    uint8_t * volatile row = NULL;

    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = &errors.base;
    cjpeg_install_errors(&errors);
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        free(row);
        cjpeg_set_error(error, error_length, errors.message);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    row = (uint8_t *)malloc((size_t)width * 3);
    if (row == NULL) {
        jpeg_destroy_compress(&cinfo);
        cjpeg_set_error(error, error_length, "out of memory");
        return -1;
    }
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    if (quality < 1) { quality = 1; }
    if (quality > 100) { quality = 100; }
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        const uint8_t *source = pixels + (size_t)cinfo.next_scanline * row_bytes;
        uint8_t *target = row;
        for (uint32_t x = 0; x < width; x++) {
            unsigned alpha = source[3];
            if (alpha == 255) {
                target[0] = source[0];
                target[1] = source[1];
                target[2] = source[2];
            } else {
                unsigned white = 255 * (255 - alpha);
                target[0] = (uint8_t)((source[0] * alpha + white + 127) / 255);
                target[1] = (uint8_t)((source[1] * alpha + white + 127) / 255);
                target[2] = (uint8_t)((source[2] * alpha + white + 127) / 255);
            }
            source += 4;
            target += 3;
        }
        JSAMPROW pointer = row;
        jpeg_write_scanlines(&cinfo, &pointer, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(row);
    *out = (uint8_t *)buffer;
    *out_length = (size_t)buffer_length;
    return 0;
}

void cjpeg_free_buffer(uint8_t *buffer) {
    free(buffer);
}
