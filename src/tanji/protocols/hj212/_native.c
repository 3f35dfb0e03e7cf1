/*
 * Fast path of the HJ 212-2017 codec for well-formed input (ADR 0244).
 *
 * The rule of this file: it never reports an error. For anything it does not fully
 * recognise as well formed it returns None, and the pure-Python codec runs and raises the
 * precise Hj212Error. So every check below must be at least as strict as the Python code
 * (src/tanji/protocols/hj212/frame.py, fields.py, flags.py, timefmt.py); where Python
 * allows more (non-ASCII text, odd but legal inputs) this file simply declines.
 * Only printable ASCII (0x20-0x7E) is accepted in a data segment.
 */
#include "_native.h"

/* HJ 212-2017 Sect. 6.3.2: the data segment is 0-1024 bytes; Table 4: CP=&&...&& <= 950. */
#define MAX_SEGMENT 1024
#define MAX_CP_CHARS 950

/* ---------------------------------------------------------------- App. A CRC */

/* App. A: reg = 0xFFFF; per byte reg = (reg >> 8) ^ byte, then 8 rounds of
 * {lsb = reg & 1; reg >>= 1; if (lsb) reg ^= 0xA001}. (reg >> 8) ^ byte is below 256, so
 * the 8 rounds are one entry of a 256-entry table (the same table as crc.py). */
static unsigned short crc_table[256];

static void crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        unsigned reg = i;
        for (int round = 0; round < 8; round++)
            reg = (reg & 1) ? (reg >> 1) ^ 0xA001 : reg >> 1;
        crc_table[i] = (unsigned short)reg;
    }
}

static unsigned crc16(const unsigned char *p, Py_ssize_t n)
{
    unsigned reg = 0xFFFF;
    while (n-- > 0)
        reg = crc_table[(reg >> 8) ^ *p++];
    return reg;
}

/* ---------------------------------------------------------------- small helpers */

/* fields.py _KEY: [0-9A-Za-z_.\-]+ */
static int is_key_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

/* fields.py _VALUE: [^;,=&\x00-\x1f\x7f]+, narrowed to printable ASCII. */
static int is_value_char(char c)
{
    return c >= 0x20 && c <= 0x7E && c != ';' && c != ',' && c != '=' && c != '&';
}

static long number(const char *p, Py_ssize_t n) /* digits already checked */
{
    long value = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        value = value * 10 + (p[i] - '0');
    return value;
}

static int printable(const char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7E) /* frame.py _CONTROL; non-ASCII goes to Python */
            return 0;
    return 1;
}

/* An ASCII str (the caller has checked the bytes). */
static PyObject *text(const char *p, Py_ssize_t n)
{
    PyObject *s = PyUnicode_New(n, 127);
    if (s != NULL)
        memcpy(PyUnicode_1BYTE_DATA(s), p, (size_t)n);
    return s;
}

/* ---------------------------------------------------------------- fields (Table 4) */

/* timefmt.py check_qn: YYYYMMDDhhmmsszzz naming a real date-time (as datetime() accepts). */
static int valid_qn(span s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!all_of(s, 17, 17, is_digit))
        return 0;
    long year = number(s.p, 4), month = number(s.p + 4, 2), day = number(s.p + 6, 2);
    long hour = number(s.p + 8, 2), minute = number(s.p + 10, 2), second = number(s.p + 12, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    long last = days[month - 1] + (month == 2 && leap);
    return day <= last && hour <= 23 && minute <= 59 && second <= 59;
}

/* The header fields of Table 4, in the order of fields.py HEADER_FIELDS. */
enum { F_QN, F_ST, F_CN, F_PW, F_MN, F_FLAG, F_PNUM, F_PNO, F_COUNT };
static const char *const FIELD_NAMES[F_COUNT] = {"QN", "ST", "CN",   "PW",
                                                 "MN", "Flag", "PNUM", "PNO"};

static int field_index(span name)
{
    for (int i = 0; i < F_COUNT; i++)
        if ((Py_ssize_t)strlen(FIELD_NAMES[i]) == name.n
            && memcmp(FIELD_NAMES[i], name.p, (size_t)name.n) == 0)
            return i;
    return -1;
}

/* fields.py _header_fields: NAME=VALUE items split at ';', known names, none twice, the six
 * required ones present. Fills fields[] and seen[]; 0 when Python would object. */
static int split_header(span header, span *fields, int *seen)
{
    const char *p = header.p, *end = header.p + header.n;
    if (header.n == 0)
        return 0;
    while (p <= end) {
        const char *stop = memchr(p, ';', (size_t)(end - p));
        if (stop == NULL)
            stop = end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq == NULL)
            return 0;
        int index = field_index((span){p, eq - p});
        if (index < 0 || seen[index])
            return 0;
        seen[index] = 1;
        fields[index] = (span){eq + 1, stop - eq - 1};
        p = stop + 1;
    }
    for (int i = F_QN; i <= F_FLAG; i++)
        if (!seen[i])
            return 0;
    return 1;
}

/* fields.py _NUMBER for PNUM/PNO: [1-9][0-9]{0,3}. */
static int split_number(span s) { return all_of(s, 1, 4, is_digit) && s.p[0] != '0'; }

/* ---------------------------------------------------------------- CP (Table 4, Sect. 6.3.3) */

typedef struct {
    Py_ssize_t key, key_n, value, value_n;
    int group_end; /* the item closes its ';' group */
} cp_item;

/* decode_cp on CP content: groups at ';', items at ',', KEY=VALUE with fields.py _KEY and
 * _VALUE, no key twice. Returns a new tuple, None to decline, NULL on a Python error. */
static PyObject *parse_cp(const char *p, Py_ssize_t n)
{
    cp_item items[MAX_ITEMS];
    Py_ssize_t count = 0, groups = 0, at = 0;
    if (n == 0)
        return PyTuple_New(0);
    while (at < n) { /* pass 1: check the syntax, find the items */
        if (count == MAX_ITEMS)
            return none();
        cp_item *item = &items[count++];
        item->key = at;
        while (at < n && is_key_char(p[at]))
            at++;
        item->key_n = at - item->key;
        if (item->key_n == 0 || at == n || p[at] != '=')
            return none();
        item->value = ++at;
        while (at < n && is_value_char(p[at]))
            at++;
        item->value_n = at - item->value;
        if (item->value_n == 0 || (at < n && p[at] != ';' && p[at] != ','))
            return none();
        item->group_end = at == n || p[at] == ';';
        groups += item->group_end;
        if (at < n && ++at == n) /* a trailing separator leaves an empty item */
            return none();
    }
    PyObject *result = PyTuple_New(groups), *keys = PySet_New(NULL), *group = NULL;
    if (result == NULL || keys == NULL)
        goto fail;
    Py_ssize_t first = 0, g = 0;
    for (Py_ssize_t i = 0; i < count; i++) { /* pass 2: build the tuples */
        if (!items[i].group_end)
            continue;
        group = PyTuple_New(i - first + 1);
        if (group == NULL)
            goto fail;
        for (Py_ssize_t j = first; j <= i; j++) {
            PyObject *key = text(p + items[j].key, items[j].key_n);
            PyObject *value = text(p + items[j].value, items[j].value_n);
            PyObject *pair = (key && value) ? PyTuple_Pack(2, key, value) : NULL;
            int added = key ? PySet_Add(keys, key) : -1;
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (pair == NULL || added < 0) {
                Py_XDECREF(pair);
                goto fail;
            }
            PyTuple_SET_ITEM(group, j - first, pair);
        }
        PyTuple_SET_ITEM(result, g++, group);
        group = NULL;
        first = i + 1;
    }
    if (PySet_GET_SIZE(keys) != count) { /* a key twice: hj212.cp.duplicate_key */
        Py_DECREF(keys);
        Py_DECREF(result);
        return none();
    }
    Py_DECREF(keys);
    return result;
fail:
    Py_XDECREF(group);
    Py_XDECREF(keys);
    Py_XDECREF(result);
    return NULL;
}

/* ---------------------------------------------------------------- data segment */

static const char *find_cp(const char *p, Py_ssize_t n) /* the first "CP=&&", as str.find */
{
    for (Py_ssize_t i = 0; i + 5 <= n; i++)
        if (memcmp(p + i, "CP=&&", 5) == 0)
            return p + i;
    return NULL;
}

static PyObject *optional_number(int seen, span s)
{
    if (!seen)
        Py_RETURN_NONE;
    return PyLong_FromLong(number(s.p, s.n));
}

/* fields.py decode_segment: QN;ST;CN;PW;MN;Flag;[PNUM;PNO;]CP=&&...&&. Returns the tuple
 * (qn, st, cn, pw, mn, flag, pnum, pno, cp), None to decline or NULL on a Python error. The
 * Flag version bits are left to the caller, which knows the accepted versions. */
static PyObject *parse_segment(const char *s, Py_ssize_t n)
{
    span fields[F_COUNT] = {{0}};
    int seen[F_COUNT] = {0};
    if (!printable(s, n))
        return none();
    const char *cp = find_cp(s, n);
    if (cp == NULL || cp == s || cp[-1] != ';')
        return none();
    const char *body = cp + 5;
    Py_ssize_t body_n = s + n - body;
    if (body_n < 2 || body[body_n - 2] != '&' || body[body_n - 1] != '&')
        return none();
    if (body_n - 2 + 7 > MAX_CP_CHARS || !split_header((span){s, cp - 1 - s}, fields, seen))
        return none();
    if (!valid_qn(fields[F_QN]) || !all_of(fields[F_ST], 2, 2, is_digit)
        || !all_of(fields[F_CN], 4, 4, is_digit)
        || !all_of(fields[F_PW], 1, 6, is_alnum) || !all_of(fields[F_MN], 1, 24, is_alnum)
        || !all_of(fields[F_FLAG], 1, 3, is_digit))
        return none();
    long flag = number(fields[F_FLAG].p, fields[F_FLAG].n);
    int split = (flag & 2) != 0; /* Flag bit D */
    if (flag > 255 || seen[F_PNUM] != split || seen[F_PNO] != split)
        return none();
    span pnum = fields[F_PNUM], pno = fields[F_PNO];
    if (split && (!split_number(pnum) || !split_number(pno)
                  || number(pno.p, pno.n) > number(pnum.p, pnum.n)))
        return none();
    PyObject *items = parse_cp(body, body_n - 2);
    if (items == NULL || items == Py_None)
        return items;
    return Py_BuildValue("(NlNNNlNNN)", text(fields[F_QN].p, 17), number(fields[F_ST].p, 2),
                         PyLong_FromLong(number(fields[F_CN].p, 4)),
                         text(fields[F_PW].p, fields[F_PW].n), text(fields[F_MN].p, fields[F_MN].n),
                         flag, optional_number(seen[F_PNUM], fields[F_PNUM]),
                         optional_number(seen[F_PNO], fields[F_PNO]), items);
}

/* ---------------------------------------------------------------- frame (Sect. 6.3.2) */

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') /* lower case is seen in the wild and accepted */
        return c - 'a' + 10;
    return -1;
}

/* frame.py unwrap_frame: "##" + 4-digit length + segment + 4 hex CRC + CR LF, the length
 * equal to the segment's, the CRC (App. A) of the segment matching. Sets *segment. */
static int check_frame(const char *p, Py_ssize_t n, span *segment)
{
    if (n < 12 || p[0] != '#' || p[1] != '#' || !all_of((span){p + 2, 4}, 4, 4, is_digit))
        return 0;
    Py_ssize_t declared = number(p + 2, 4);
    if (declared > MAX_SEGMENT || n != declared + 12 || p[n - 2] != '\r' || p[n - 1] != '\n')
        return 0;
    unsigned received = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(p[n - 6 + i]);
        if (digit < 0)
            return 0;
        received = received * 16 + (unsigned)digit;
    }
    *segment = (span){p + 6, declared};
    return received == crc16((const unsigned char *)p + 6, declared) && printable(p + 6, declared);
}

/* ---------------------------------------------------------------- module functions */

static PyObject *native_crc16(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    unsigned value = crc16((const unsigned char *)view.buf, view.len);
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLong(value);
}

/* The data segment of a well-formed frame given as bytes, else 0. */
static int frame_segment(PyObject *arg, span *segment)
{
    return PyBytes_Check(arg)
        && check_frame(PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg), segment);
}

static PyObject *native_frame(PyObject *module, PyObject *arg)
{
    span segment;
    return frame_segment(arg, &segment) ? parse_segment(segment.p, segment.n) : none();
}

static PyObject *native_unwrap(PyObject *module, PyObject *arg)
{
    span segment;
    return frame_segment(arg, &segment) ? text(segment.p, segment.n) : none();
}

/* The bytes of an ASCII str, or NULL (no error set) for any other str. */
static const char *ascii_data(PyObject *arg, Py_ssize_t *n)
{
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg))
        return NULL;
    *n = PyUnicode_GET_LENGTH(arg);
    return (const char *)PyUnicode_1BYTE_DATA(arg);
}

static PyObject *native_segment(PyObject *module, PyObject *arg)
{
    Py_ssize_t n;
    const char *p = ascii_data(arg, &n);
    return p == NULL ? none() : parse_segment(p, n);
}

static PyObject *native_cp(PyObject *module, PyObject *arg)
{
    Py_ssize_t n;
    const char *p = ascii_data(arg, &n);
    return (p == NULL || !printable(p, n)) ? none() : parse_cp(p, n);
}

static PyMethodDef methods[] = {
    {"crc16", native_crc16, METH_O, "App. A CRC of a bytes-like object."},
    {"frame", native_frame, METH_O, "A well-formed frame's fields as a tuple, else None."},
    {"unwrap", native_unwrap, METH_O, "A well-formed frame's data segment, else None."},
    {"segment", native_segment, METH_O, "A well-formed data segment's fields, else None."},
    {"cp", native_cp, METH_O, "Well-formed CP content as groups of items, else None."},
    {"items", native_items, METH_O, "The keys and the values of CP groups, else None."},
    {"factors", (PyCFunction)(void (*)(void))native_factors, METH_FASTCALL,
     "The FactorData of a data record by its remembered plan, else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "tanji.protocols.hj212._native",
    "Fast path of the HJ 212 codec for well-formed input (None means: ask Python).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void)
{
    crc_init();
    return records_init() < 0 ? NULL : PyModule_Create(&module_def);
}
