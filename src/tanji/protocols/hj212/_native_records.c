/*
 * Data records for the HJ 212 fast path (ADR 0245): the per-upload half of records.py's
 * remembered key plans. As in _native.c, nothing here reports an error: None sends the
 * upload to the Python decoder, which reports the first defect in frame order.
 */
#include "_native.h"

/* ---------------------------------------------------------------- data records (Table 6) */

/* records.py _NUMBER: -?[0-9]+(\.[0-9]+)? */
static int is_number(span s)
{
    Py_ssize_t i = (s.n > 0 && s.p[0] == '-'), start = i;
    while (i < s.n && is_digit(s.p[i]))
        i++;
    if (i == start || i == s.n)
        return i > start;
    if (s.p[i] != '.')
        return 0;
    start = ++i;
    while (i < s.n && is_digit(s.p[i]))
        i++;
    return i > start && i == s.n;
}

/* The item at ``at`` of the values tuple if it is an ASCII str (its text in *s), else NULL. */
static PyObject *ascii_value(PyObject *values, PyObject *index, span *s)
{
    Py_ssize_t at = PyLong_Check(index) ? PyLong_AsSsize_t(index) : -1;
    if (at < 0 || at >= PyTuple_GET_SIZE(values)) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *value = PyTuple_GET_ITEM(values, at);
    if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value))
        return NULL;
    *s = (span){(const char *)PyUnicode_1BYTE_DATA(value), PyUnicode_GET_LENGTH(value)};
    return value;
}

/* A factor plan of records.py: (code, names, first, end, flag_at, eflag_at, sample_at). */
#define PLAN_SIZE 7
static PyObject *slot_names[5]; /* FactorData's fields: code values flag eflag sample_time */

/* Pass 1 for one code: its Flag is one of N F M S D C T B (Sect. 6.6.4), its EFlag 1-4 letters
 * or digits, no SampleTime (left to Python); sets *flag and *eflag (borrowed or None). */
static int check_factor(PyObject *plan, PyObject *values, Py_ssize_t numbers, PyObject **flag,
                        PyObject **eflag)
{
    span s;
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != PLAN_SIZE
        || !PyUnicode_CheckExact(PyTuple_GET_ITEM(plan, 0))
        || !PyTuple_CheckExact(PyTuple_GET_ITEM(plan, 1)))
        return 0;
    Py_ssize_t first = PyLong_AsSsize_t(PyTuple_GET_ITEM(plan, 2));
    Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(plan, 3));
    Py_ssize_t names = PyTuple_GET_SIZE(PyTuple_GET_ITEM(plan, 1));
    if (PyErr_Occurred() || first < 0 || end > numbers || end - first != names
        || PyLong_AsLong(PyTuple_GET_ITEM(plan, 6)) != -1) {
        PyErr_Clear();
        return 0;
    }
    *flag = *eflag = Py_None;
    if (PyLong_AsLong(PyTuple_GET_ITEM(plan, 4)) >= 0) {
        *flag = ascii_value(values, PyTuple_GET_ITEM(plan, 4), &s);
        if (*flag == NULL || s.n != 1 || memchr("NFMSDCTB", s.p[0], 8) == NULL)
            return 0;
    }
    if (PyLong_AsLong(PyTuple_GET_ITEM(plan, 5)) >= 0) {
        *eflag = ascii_value(values, PyTuple_GET_ITEM(plan, 5), &s);
        if (*eflag == NULL || !all_of(s, 1, 4, is_alnum))
            return 0;
    }
    return !PyErr_Occurred();
}

/* Pass 2 for one code: a FactorData filled as its generated __init__ does. */
static PyObject *make_factor(PyTypeObject *type, PyObject *plan, PyObject *decimals,
                             PyObject *flag, PyObject *eflag)
{
    PyObject *names = PyTuple_GET_ITEM(plan, 1), *values = PyDict_New(), *factor = NULL;
    Py_ssize_t first = PyLong_AsSsize_t(PyTuple_GET_ITEM(plan, 2));
    if (values == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(names); j++)
        if (PyDict_SetItem(values, PyTuple_GET_ITEM(names, j),
                           PyTuple_GET_ITEM(decimals, first + j)) < 0)
            goto done;
    factor = type->tp_alloc(type, 0);
    PyObject *fields[5] = {PyTuple_GET_ITEM(plan, 0), values, flag, eflag, Py_None};
    for (int k = 0; factor != NULL && k < 5; k++)
        if (PyObject_GenericSetAttr(factor, slot_names[k], fields[k]) < 0)
            Py_CLEAR(factor);
done:
    Py_DECREF(values);
    return factor;
}

/* The keys and the values of CP groups, each as one tuple (the key plan is found by the keys);
 * None unless every group is a tuple of (key, value) tuples. */
PyObject *native_items(PyObject *module, PyObject *cp)
{
    Py_ssize_t count = 0, at = 0;
    if (!PyTuple_CheckExact(cp))
        return none();
    for (Py_ssize_t g = 0; g < PyTuple_GET_SIZE(cp); g++) {
        PyObject *group = PyTuple_GET_ITEM(cp, g);
        if (!PyTuple_CheckExact(group))
            return none();
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(group); i++) {
            PyObject *item = PyTuple_GET_ITEM(group, i);
            if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2)
                return none();
        }
        count += PyTuple_GET_SIZE(group);
    }
    PyObject *keys = PyTuple_New(count), *values = PyTuple_New(count);
    if (keys == NULL || values == NULL) {
        Py_XDECREF(keys);
        Py_XDECREF(values);
        return NULL;
    }
    for (Py_ssize_t g = 0; g < PyTuple_GET_SIZE(cp); g++) {
        PyObject *group = PyTuple_GET_ITEM(cp, g);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(group); i++, at++) {
            PyObject *item = PyTuple_GET_ITEM(group, i);
            PyTuple_SET_ITEM(keys, at, Py_NewRef(PyTuple_GET_ITEM(item, 0)));
            PyTuple_SET_ITEM(values, at, Py_NewRef(PyTuple_GET_ITEM(item, 1)));
        }
    }
    return Py_BuildValue("(NN)", keys, values);
}

/* records.py _read for a remembered key plan: every measured value a decimal number (then a
 * Decimal), flags as above; the FactorData of each code, or None to let Python read it. */
PyObject *native_factors(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyTuple_CheckExact(args[0]) || !PyTuple_CheckExact(args[1])
        || !PyTuple_CheckExact(args[2]) || !PyType_Check(args[4]))
        return none();
    PyObject *plans = args[0], *positions = args[1], *values = args[2], *decimal = args[3];
    Py_ssize_t numbers = PyTuple_GET_SIZE(positions), count = PyTuple_GET_SIZE(plans);
    PyObject *flags[MAX_ITEMS][2];
    span s;
    if (count > MAX_ITEMS)
        return none();
    for (Py_ssize_t i = 0; i < numbers; i++)
        if (ascii_value(values, PyTuple_GET_ITEM(positions, i), &s) == NULL || !is_number(s))
            return none();
    for (Py_ssize_t i = 0; i < count; i++)
        if (!check_factor(PyTuple_GET_ITEM(plans, i), values, numbers, flags[i], flags[i] + 1)) {
            PyErr_Clear(); /* a plan field of the wrong type: decline, as for bad values */
            return none();
        }
    PyObject *decimals = PyTuple_New(numbers), *result = NULL;
    for (Py_ssize_t i = 0; decimals != NULL && i < numbers; i++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyTuple_GET_ITEM(positions, i)); /* checked above */
        PyObject *number = PyObject_CallOneArg(decimal, PyTuple_GET_ITEM(values, at));
        if (number == NULL)
            Py_CLEAR(decimals);
        else
            PyTuple_SET_ITEM(decimals, i, number);
    }
    if (decimals != NULL)
        result = PyTuple_New(count);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        PyObject *factor = make_factor((PyTypeObject *)args[4], PyTuple_GET_ITEM(plans, i),
                                       decimals, flags[i][0], flags[i][1]);
        if (factor == NULL)
            Py_CLEAR(result);
        else
            PyTuple_SET_ITEM(result, i, factor);
    }
    Py_XDECREF(decimals);
    return result;
}

int records_init(void)
{
    static const char *const names[5] = {"code", "values", "flag", "eflag", "sample_time"};
    for (int k = 0; k < 5; k++)
        if (slot_names[k] == NULL && (slot_names[k] = PyUnicode_InternFromString(names[k])) == NULL)
            return -1;
    return 0;
}
