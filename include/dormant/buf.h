/* dormant: a growing byte buffer with a size cap.
 *
 * Everything read from a server or a file goes through one of these, so
 * that an untrusted peer sending gigabytes hits `max` and an error instead
 * of exhausting memory. The data is always NUL-terminated.
 */
#ifndef DORMANT_BUF_H
#define DORMANT_BUF_H

#include <stddef.h>

#include <dormant/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dormant_buf {
	char *data; /* owned; NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max; /* 0: no cap */
};

/* An empty buffer that refuses to grow past max bytes. */
void dormant_buf_init(struct dormant_buf *b, size_t max);

/* Appends n bytes. DORMANT_ERR_TOO_LARGE past max, DORMANT_ERR_NOMEM. */
enum dormant_status dormant_buf_append(struct dormant_buf *b, const void *p,
                                       size_t n);
enum dormant_status dormant_buf_appendf(struct dormant_buf *b, const char *fmt,
                                        ...)
        __attribute__((format(printf, 2, 3)));

/* Makes room for n more bytes in one allocation, so that a buffer whose
 * final size is known (a Content-Length, a decoded length) is not grown
 * by doubling. Same errors as append; never shrinks. */
enum dormant_status dormant_buf_reserve(struct dormant_buf *b, size_t n);

/* Hands the data to the caller (who frees it) and empties the buffer. */
char *dormant_buf_steal(struct dormant_buf *b);

void dormant_buf_reset(struct dormant_buf *b);
void dormant_buf_free(struct dormant_buf *b);

/* Reads a whole file into b (which is reset first), honouring b->max. */
enum dormant_status dormant_buf_read_file(struct dormant_buf *b,
                                          const char *path,
                                          struct dormant_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DORMANT_BUF_H */
