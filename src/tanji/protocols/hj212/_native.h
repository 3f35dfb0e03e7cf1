/*
 * Helpers shared by the two files of the HJ 212 fast path (ADR 0244): _native.c (frames, data
 * segments, CP) and _native_records.c (data records). Both are compiled into one module.
 */
#ifndef TANJI_HJ212_NATIVE_H
#define TANJI_HJ212_NATIVE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* A CP item is at least "k=v" plus a separator, so a CP of <= 943 characters has fewer. */
#define MAX_ITEMS 320

typedef struct {
    const char *p;
    Py_ssize_t n;
} span;

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }

static inline int is_alnum(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Whether s has min..max characters, each accepted by ok. */
static inline int all_of(span s, Py_ssize_t min, Py_ssize_t max, int (*ok)(char))
{
    if (s.n < min || s.n > max)
        return 0;
    for (Py_ssize_t i = 0; i < s.n; i++)
        if (!ok(s.p[i]))
            return 0;
    return 1;
}

static inline PyObject *none(void) { Py_RETURN_NONE; }

/* _native_records.c */
PyObject *native_items(PyObject *module, PyObject *cp);
PyObject *native_factors(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
int records_init(void);

#endif
