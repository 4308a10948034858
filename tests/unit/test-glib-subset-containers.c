/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset-test.h"
#include "glib-subset.h"

#include <string.h>

/* the subset's g_str_equal (glib.h's g_str_equal macro names the real one) */
gboolean (GS_STR_EQUAL_SYMBOL)(gconstpointer v1, gconstpointer v2);

/* ---- destroy-function logs: ours and the real table's get the same
 * pointers, so each operation must destroy the same set ---- */

typedef struct {
        char tag; /* 'k' key, 'v' value, 'e' element */
        gpointer p;
} LogItem;

typedef struct {
        LogItem items[256];
        guint n;
} Log;

static Log log_ours, log_real;

static void log_add(Log *l, char tag, gpointer p) {
        g_assert_cmpuint(l->n, <, G_N_ELEMENTS(l->items));
        l->items[l->n++] = (LogItem) { tag, p };
}

static void ours_key_destroy(gpointer p) { log_add(&log_ours, 'k', p); }
static void ours_value_destroy(gpointer p) { log_add(&log_ours, 'v', p); }
static void real_key_destroy(gpointer p) { log_add(&log_real, 'k', p); }
static void real_value_destroy(gpointer p) { log_add(&log_real, 'v', p); }
static void ours_elem_destroy(gpointer p) { log_add(&log_ours, 'e', p); }
static void real_elem_destroy(gpointer p) { log_add(&log_real, 'e', p); }

static int log_item_cmp(const void *a, const void *b) {
        const LogItem *x = a, *y = b;
        if (x->tag != y->tag)
                return x->tag < y->tag ? -1 : 1;
        if (x->p != y->p)
                return (guintptr) x->p < (guintptr) y->p ? -1 : 1;
        return 0;
}

/* the same destroy calls, in any order when unordered is TRUE */
static void logs_check(gboolean unordered) {
        g_assert_cmpuint(log_ours.n, ==, log_real.n);
        if (unordered) {
                qsort(log_ours.items, log_ours.n, sizeof(LogItem), log_item_cmp);
                qsort(log_real.items, log_real.n, sizeof(LogItem), log_item_cmp);
        }
        for (guint i = 0; i < log_ours.n; i++) {
                g_assert_cmpint(log_ours.items[i].tag, ==, log_real.items[i].tag);
                g_assert_true(log_ours.items[i].p == log_real.items[i].p);
        }
        log_ours.n = log_real.n = 0;
}

/* ---- g_str_hash, g_str_equal ---- */

static void test_str_hash(void) {
        static const char *const strs[] = {
                "", "a", "ab", "hello world", "\x7f", "\x80", "\xff", "caf\xc3\xa9",
                "\xff\xfe\xfd\xfc\xfb", "abc\x90xyz", "/var/lib/roost/containers/0123456789abcdef",
        };
        for (gsize i = 0; i < G_N_ELEMENTS(strs); i++) {
                g_assert_cmpuint(g_str_hash(strs[i]), ==, REAL(g_str_hash)(strs[i]));
                for (gsize j = 0; j < G_N_ELEMENTS(strs); j++)
                        g_assert_cmpint(!!gs_str_equal(strs[i], strs[j]), ==,
                                        !!REAL(g_str_equal)(strs[i], strs[j]));
        }
        /* every byte value, in every position of a short string */
        for (int c = 1; c < 256; c++) {
                char s[5] = { 'x', (char) c, 'y', (char) c, 0 };
                g_assert_cmpuint(g_str_hash(s), ==, REAL(g_str_hash)(s));
        }
        /* a long string (the hash wraps) */
        char *big = REAL(g_malloc)(100001);
        for (int i = 0; i < 100000; i++)
                big[i] = (char) (1 + (i * 37) % 255);
        big[100000] = 0;
        g_assert_cmpuint(g_str_hash(big), ==, REAL(g_str_hash)(big));
        REAL(g_free)(big);
}

/* ---- GHashTable ---- */

#define N_KEYS 40
#define N_COPIES 4

/* each key name has several distinct copies, so that which copy a table
 * keeps (insert keeps the old key, replace takes the new) shows */
static char *key_copies[N_KEYS][N_COPIES];

static void keys_init(void) {
        for (int i = 0; i < N_KEYS; i++)
                for (int c = 0; c < N_COPIES; c++)
                        key_copies[i][c] = REAL(g_strdup_printf)("key-%d", i);
}

static void keys_fini(void) {
        for (int i = 0; i < N_KEYS; i++)
                for (int c = 0; c < N_COPIES; c++)
                        REAL(g_free)(key_copies[i][c]);
}

static int ptr_cmp(const void *a, const void *b) {
        guintptr x = *(const guintptr *) a, y = *(const guintptr *) b;
        return x < y ? -1 : x > y;
}

typedef struct {
        gpointer k, v;
} Pair;

static int pair_cmp(const void *a, const void *b) {
        const Pair *x = a, *y = b;
        if (x->k != y->k)
                return (guintptr) x->k < (guintptr) y->k ? -1 : 1;
        return (guintptr) x->v < (guintptr) y->v ? -1 : (guintptr) x->v > (guintptr) y->v;
}

/* same size, same (key pointer, value) pairs, by every way of listing them */
static void tables_check_same(GHashTable *ours, GHashTable *real) {
        guint n = g_hash_table_size(ours);
        g_assert_cmpuint(n, ==, REAL(g_hash_table_size)(real));

        Pair *po = calloc(n + 1, sizeof(Pair)), *pr = calloc(n + 1, sizeof(Pair));
        GHashTableIter it;
        gpointer k, v;
        guint i = 0;
        g_hash_table_iter_init(&it, ours);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                g_assert_cmpuint(i, <, n);
                po[i++] = (Pair) { k, v };
        }
        g_assert_cmpuint(i, ==, n);
        i = 0;
        REAL(g_hash_table_iter_init)(&it, real);
        while (REAL(g_hash_table_iter_next)(&it, &k, &v))
                pr[i++] = (Pair) { k, v };
        g_assert_cmpuint(i, ==, n);
        qsort(po, n, sizeof(Pair), pair_cmp);
        qsort(pr, n, sizeof(Pair), pair_cmp);
        g_assert_cmpmem(po, n * sizeof(Pair), pr, n * sizeof(Pair));

        /* iteration with NULL out-arguments counts the same */
        i = 0;
        g_hash_table_iter_init(&it, ours);
        while (g_hash_table_iter_next(&it, NULL, NULL))
                i++;
        g_assert_cmpuint(i, ==, n);

        guint lo = 12345, lr = 54321;
        gpointer *ko = g_hash_table_get_keys_as_array(ours, &lo);
        gpointer *kr = REAL(g_hash_table_get_keys_as_array)(real, &lr);
        g_assert_cmpuint(lo, ==, lr);
        g_assert_null(ko[lo]);
        g_assert_null(kr[lr]);
        qsort(ko, lo, sizeof(gpointer), ptr_cmp);
        qsort(kr, lr, sizeof(gpointer), ptr_cmp);
        g_assert_cmpmem(ko, lo * sizeof(gpointer), kr, lr * sizeof(gpointer));
        for (guint j = 0; j < lo; j++)
                g_assert_true(po[j].k == ko[j]);
        g_free(ko);
        REAL(g_free)(kr);
        g_free(g_hash_table_get_keys_as_array(ours, NULL));

        GList *lo_keys = g_hash_table_get_keys(ours);
        GList *lr_keys = REAL(g_hash_table_get_keys)(real);
        g_assert_cmpuint(REAL(g_list_length)(lo_keys), ==, n);
        i = 0;
        GList *prev = NULL;
        for (GList *l = lo_keys; l; prev = l, l = l->next) {
                g_assert_true(l->prev == prev);
                ko = &l->data;
                g_assert_true(bsearch(ko, &po[0].k, n, sizeof(Pair), ptr_cmp) != NULL);
        }
        g_list_free(lo_keys);
        REAL(g_list_free)(lr_keys);

        free(po);
        free(pr);
}

/* which operation, on which key copy, with which value */
static void random_table_ops(GHashTable *ours, GHashTable *real, GRand *rand, guint n_ops, gboolean has_add) {
        for (guint op = 0; op < n_ops; op++) {
                int key = REAL(g_rand_int_range)(rand, 0, N_KEYS);
                char *k = key_copies[key][REAL(g_rand_int_range)(rand, 0, N_COPIES)];
                /* the lookup key: another copy, equal but not the same pointer */
                const char *lk = key_copies[key][REAL(g_rand_int_range)(rand, 0, N_COPIES)];
                gpointer v = GUINT_TO_POINTER(op + 1);
                int what = REAL(g_rand_int_range)(rand, 0, has_add ? 100 : 90);

                if (what < 25)
                        g_assert_cmpint(g_hash_table_insert(ours, k, v), ==, REAL(g_hash_table_insert)(real, k, v));
                else if (what < 45)
                        g_assert_cmpint(g_hash_table_replace(ours, k, v), ==, REAL(g_hash_table_replace)(real, k, v));
                else if (what < 65)
                        g_assert_cmpint(g_hash_table_remove(ours, lk), ==, REAL(g_hash_table_remove)(real, lk));
                else if (what < 75)
                        g_assert_true(g_hash_table_lookup(ours, lk) == REAL(g_hash_table_lookup)(real, lk));
                else if (what < 88)
                        g_assert_cmpint(g_hash_table_contains(ours, lk), ==, REAL(g_hash_table_contains)(real, lk));
                else if (what < 90) {
                        if (REAL(g_rand_int_range)(rand, 0, 10) == 0) {
                                g_hash_table_remove_all(ours);
                                REAL(g_hash_table_remove_all)(real);
                                logs_check(TRUE);
                        }
                } else
                        g_assert_cmpint(g_hash_table_add(ours, k), ==, REAL(g_hash_table_add)(real, k));
                logs_check(FALSE);
                g_assert_cmpuint(g_hash_table_size(ours), ==, REAL(g_hash_table_size)(real));
                if (op % 97 == 0)
                        tables_check_same(ours, real);
        }
        tables_check_same(ours, real);
}

static void test_hash_table_random(void) {
        GRand *rand = REAL(g_rand_new_with_seed)(1234);
        keys_init();

        /* key and value destroy functions */
        for (int round = 0; round < 20; round++) {
                GHashTable *ours = g_hash_table_new_full(g_str_hash, gs_str_equal, ours_key_destroy, ours_value_destroy);
                GHashTable *real = REAL(g_hash_table_new_full)(REAL(g_str_hash), REAL(g_str_equal),
                                                               real_key_destroy, real_value_destroy);
                random_table_ops(ours, real, rand, 2000, FALSE);
                if (round % 2) {
                        g_hash_table_unref(ours);
                        REAL(g_hash_table_unref)(real);
                } else {
                        g_hash_table_destroy(ours);
                        REAL(g_hash_table_destroy)(real);
                }
                logs_check(TRUE);
        }
        /* a key destroy function only (how roostd uses g_hash_table_add) */
        for (int round = 0; round < 10; round++) {
                GHashTable *ours = g_hash_table_new_full(g_str_hash, gs_str_equal, ours_key_destroy, NULL);
                GHashTable *real = REAL(g_hash_table_new_full)(REAL(g_str_hash), REAL(g_str_equal), real_key_destroy, NULL);
                random_table_ops(ours, real, rand, 2000, TRUE);
                g_hash_table_unref(ours);
                REAL(g_hash_table_unref)(real);
                logs_check(TRUE);
        }
        /* no destroy functions */
        for (int round = 0; round < 10; round++) {
                GHashTable *ours = g_hash_table_new(g_str_hash, gs_str_equal);
                GHashTable *real = REAL(g_hash_table_new)(REAL(g_str_hash), REAL(g_str_equal));
                random_table_ops(ours, real, rand, 2000, TRUE);
                g_hash_table_destroy(ours);
                REAL(g_hash_table_destroy)(real);
                logs_check(TRUE);
        }
        /* both destroy functions with add: the old key is also the old value */
        GHashTable *ours = g_hash_table_new_full(g_str_hash, gs_str_equal, ours_key_destroy, ours_value_destroy);
        GHashTable *real = REAL(g_hash_table_new_full)(REAL(g_str_hash), REAL(g_str_equal), real_key_destroy, real_value_destroy);
        for (int i = 0; i < 3; i++) {
                g_assert_cmpint(g_hash_table_add(ours, key_copies[0][i]), ==, REAL(g_hash_table_add)(real, key_copies[0][i]));
                logs_check(FALSE);
                g_assert_cmpint(g_hash_table_insert(ours, key_copies[1][i], key_copies[2][i]), ==,
                                REAL(g_hash_table_insert)(real, key_copies[1][i], key_copies[2][i]));
                logs_check(FALSE);
        }
        tables_check_same(ours, real);
        g_hash_table_unref(ours);
        REAL(g_hash_table_unref)(real);
        logs_check(TRUE);

        keys_fini();
        REAL(g_rand_free)(rand);
}

/* NULL hash and equal functions: pointers are the keys; 100k entries */
static void test_hash_table_direct_big(void) {
        const guint n = 100000;
        GHashTable *ours = g_hash_table_new(NULL, NULL);
        GHashTable *real = REAL(g_hash_table_new)(NULL, NULL);

        for (guint i = 0; i < n; i++) {
                /* aligned pointer-like keys, as roostd's sd_event_source pointers */
                gpointer k = GSIZE_TO_POINTER((gsize) 0x10000 + (gsize) i * 64);
                g_assert_true(g_hash_table_insert(ours, k, GUINT_TO_POINTER(i)));
                REAL(g_hash_table_insert)(real, k, GUINT_TO_POINTER(i));
        }
        g_assert_cmpuint(g_hash_table_size(ours), ==, n);
        for (guint i = 0; i < n; i += 3) {
                gpointer k = GSIZE_TO_POINTER((gsize) 0x10000 + (gsize) i * 64);
                g_assert_true(g_hash_table_remove(ours, k));
                REAL(g_hash_table_remove)(real, k);
        }
        for (guint i = 0; i < n + 10; i++) {
                gpointer k = GSIZE_TO_POINTER((gsize) 0x10000 + (gsize) i * 64);
                g_assert_cmpint(g_hash_table_contains(ours, k), ==, REAL(g_hash_table_contains)(real, k));
                g_assert_true(g_hash_table_lookup(ours, k) == REAL(g_hash_table_lookup)(real, k));
        }
        tables_check_same(ours, real);

        /* remove nearly everything (the table shrinks), then refill */
        for (guint i = 0; i < n - 5; i++) {
                gpointer k = GSIZE_TO_POINTER((gsize) 0x10000 + (gsize) i * 64);
                g_assert_cmpint(g_hash_table_remove(ours, k), ==, REAL(g_hash_table_remove)(real, k));
        }
        tables_check_same(ours, real);
        for (guint i = 0; i < 1000; i++) {
                gpointer k = GSIZE_TO_POINTER((gsize) 7 + i);
                g_assert_cmpint(g_hash_table_replace(ours, k, k), ==, REAL(g_hash_table_replace)(real, k, k));
        }
        tables_check_same(ours, real);

        /* a NULL key is a key like another with the direct hash */
        g_assert_cmpint(g_hash_table_insert(ours, NULL, GUINT_TO_POINTER(5)), ==,
                        REAL(g_hash_table_insert)(real, NULL, GUINT_TO_POINTER(5)));
        g_assert_true(g_hash_table_contains(ours, NULL));
        g_assert_true(g_hash_table_lookup(ours, NULL) == GUINT_TO_POINTER(5));
        g_assert_true(g_hash_table_remove(ours, NULL));
        REAL(g_hash_table_remove)(real, NULL);
        tables_check_same(ours, real);

        g_hash_table_unref(ours);
        REAL(g_hash_table_unref)(real);
}

/* insertion order, the subset's documented (and GLib-compatible) choice */
static void test_hash_table_order(void) {
        GHashTable *t = g_hash_table_new_full(g_str_hash, gs_str_equal, g_free, g_free);
        char name[32];

        for (int i = 0; i < 300; i++) {
                snprintf(name, sizeof name, "n%d", i);
                g_hash_table_insert(t, g_strdup(name), g_strdup(name));
        }
        for (int i = 0; i < 300; i += 2) {
                snprintf(name, sizeof name, "n%d", i);
                g_assert_true(g_hash_table_remove(t, name));
        }
        GHashTableIter it;
        gpointer k, v;
        int want = 1;
        g_hash_table_iter_init(&it, t);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                snprintf(name, sizeof name, "n%d", want);
                g_assert_cmpstr(k, ==, name);
                g_assert_cmpstr(v, ==, name);
                want += 2;
        }
        g_assert_cmpint(want, ==, 301);

        /* empty tables */
        g_hash_table_remove_all(t);
        g_assert_cmpuint(g_hash_table_size(t), ==, 0);
        g_assert_null(g_hash_table_lookup(t, "n1"));
        g_assert_false(g_hash_table_remove(t, "n1"));
        guint len = 99;
        gpointer *keys = g_hash_table_get_keys_as_array(t, &len);
        g_assert_cmpuint(len, ==, 0);
        g_assert_null(keys[0]);
        g_free(keys);
        g_assert_null(g_hash_table_get_keys(t));
        g_hash_table_iter_init(&it, t);
        g_assert_false(g_hash_table_iter_next(&it, &k, &v));
        g_hash_table_unref(t);

        t = g_hash_table_new(g_str_hash, gs_str_equal);
        g_assert_false(g_hash_table_contains(t, "x"));
        g_hash_table_destroy(t);
}

/* ---- GPtrArray ---- */

typedef struct {
        int key;
        int id;
} Rec;

/* g_ptr_array_sort passes pointers to the elements; NULLs sort first */
static gint rec_ptr_cmp(gconstpointer a, gconstpointer b) {
        const Rec *x = *(Rec *const *) a, *y = *(Rec *const *) b;
        int kx = x ? x->key : -1, ky = y ? y->key : -1;
        return (kx > ky) - (kx < ky);
}

static void ptr_arrays_check_same(GPtrArray *ours, GPtrArray *real) {
        g_assert_cmpuint(ours->len, ==, real->len);
        for (guint i = 0; i < ours->len; i++)
                g_assert_true(g_ptr_array_index(ours, i) == g_ptr_array_index(real, i));
}

#define N_RECS 64

static void test_ptr_array_random(void) {
        GRand *rand = REAL(g_rand_new_with_seed)(99);
        Rec recs[N_RECS];

        for (int i = 0; i < N_RECS; i++)
                recs[i] = (Rec) { .key = i % 7, .id = i };

        for (int round = 0; round < 40; round++) {
                gboolean with_free = round % 2;
                GPtrArray *ours = with_free ? g_ptr_array_new_with_free_func(ours_elem_destroy) : g_ptr_array_new();
                GPtrArray *real = with_free ? REAL(g_ptr_array_new_with_free_func)(real_elem_destroy) : REAL(g_ptr_array_new)();

                for (int op = 0; op < 600; op++) {
                        Rec *r = &recs[REAL(g_rand_int_range)(rand, 0, N_RECS)];
                        int what = REAL(g_rand_int_range)(rand, 0, 100);

                        if (what < 30) {
                                g_ptr_array_add(ours, r);
                                REAL(g_ptr_array_add)(real, r);
                        } else if (what < 42) {
                                gint at = REAL(g_rand_int_range)(rand, -1, (gint) ours->len + 1);
                                g_ptr_array_insert(ours, at, r);
                                REAL(g_ptr_array_insert)(real, at, r);
                        } else if (what < 55) {
                                g_assert_cmpint(g_ptr_array_remove(ours, r), ==, REAL(g_ptr_array_remove)(real, r));
                        } else if (what < 68) {
                                if (ours->len > 0) {
                                        guint at = (guint) REAL(g_rand_int_range)(rand, 0, (gint) ours->len);
                                        g_assert_true(g_ptr_array_remove_index(ours, at) ==
                                                      REAL(g_ptr_array_remove_index)(real, at));
                                }
                        } else if (what < 76) {
                                gint size = REAL(g_rand_int_range)(rand, 0, (gint) ours->len + 5);
                                g_ptr_array_set_size(ours, size);
                                REAL(g_ptr_array_set_size)(real, size);
                        } else if (what < 84) {
                                g_ptr_array_sort(ours, rec_ptr_cmp);
                                REAL(g_ptr_array_sort)(real, rec_ptr_cmp);
                        } else if (what < 86) {
                                gsize lo = 777, lr = 888;
                                gpointer *po = g_ptr_array_steal(ours, &lo);
                                gpointer *pr = REAL(g_ptr_array_steal)(real, &lr);
                                g_assert_cmpuint(lo, ==, lr);
                                g_assert_cmpint(po == NULL, ==, pr == NULL);
                                if (lo)
                                        g_assert_cmpmem(po, lo * sizeof(gpointer), pr, lr * sizeof(gpointer));
                                g_free(po);
                                REAL(g_free)(pr);
                        } else if (what < 88) {
                                g_ptr_array_set_size(ours, 0);
                                REAL(g_ptr_array_set_size)(real, 0);
                        } else if (what < 92) {
                                /* extend with a new array holding a few elements */
                                GPtrArray *so = with_free ? g_ptr_array_new_with_free_func(ours_elem_destroy) : g_ptr_array_new();
                                GPtrArray *sr = with_free ? REAL(g_ptr_array_new_with_free_func)(real_elem_destroy) : REAL(g_ptr_array_new)();
                                int n = REAL(g_rand_int_range)(rand, 0, 40);
                                for (int i = 0; i < n; i++) {
                                        Rec *x = &recs[REAL(g_rand_int_range)(rand, 0, N_RECS)];
                                        g_ptr_array_add(so, x);
                                        REAL(g_ptr_array_add)(sr, x);
                                }
                                g_ptr_array_extend_and_steal(ours, so);
                                REAL(g_ptr_array_extend_and_steal)(real, sr);
                        } else {
                                /* lookups through the public struct */
                                for (guint i = 0; i < ours->len; i++)
                                        g_assert_true(ours->pdata[i] == real->pdata[i]);
                        }
                        logs_check(FALSE);
                        ptr_arrays_check_same(ours, real);
                }
                switch (round % 4) {
                case 0:
                case 1:
                        g_ptr_array_unref(ours);
                        REAL(g_ptr_array_unref)(real);
                        break;
                case 2:
                        g_assert_null(g_ptr_array_free(ours, TRUE));
                        g_assert_null(REAL(g_ptr_array_free)(real, TRUE));
                        break;
                case 3: {
                        guint n = ours->len;
                        gpointer *po = g_ptr_array_free(ours, FALSE);
                        gpointer *pr = REAL(g_ptr_array_free)(real, FALSE);
                        g_assert_cmpint(po == NULL, ==, pr == NULL);
                        if (n)
                                g_assert_cmpmem(po, n * sizeof(gpointer), pr, n * sizeof(gpointer));
                        g_free(po);
                        REAL(g_free)(pr);
                        break;
                }
                }
                logs_check(FALSE);
        }
        REAL(g_rand_free)(rand);
}

static void test_ptr_array_edges(void) {
        Rec recs[200];
        for (int i = 0; i < 200; i++)
                recs[i] = (Rec) { .key = (i * 7919) % 5, .id = i };

        /* stable sort: equal keys keep their order */
        GPtrArray *ours = g_ptr_array_new(), *real = REAL(g_ptr_array_new)();
        for (int i = 0; i < 200; i++) {
                g_ptr_array_add(ours, &recs[i]);
                REAL(g_ptr_array_add)(real, &recs[i]);
        }
        g_ptr_array_sort(ours, rec_ptr_cmp);
        REAL(g_ptr_array_sort)(real, rec_ptr_cmp);
        ptr_arrays_check_same(ours, real);
        for (guint i = 1; i < ours->len; i++) {
                const Rec *a = ours->pdata[i - 1], *b = ours->pdata[i];
                g_assert_true(a->key < b->key || (a->key == b->key && a->id < b->id));
        }

        /* steal, free(FALSE) and friends on new, empty arrays */
        gsize lo = 5, lr = 6;
        gpointer *po, *pr;
        g_ptr_array_set_size(ours, 0);
        REAL(g_ptr_array_set_size)(real, 0);
        po = g_ptr_array_steal(ours, &lo);
        pr = REAL(g_ptr_array_steal)(real, &lr);
        g_assert_cmpuint(lo, ==, lr);
        g_free(po);
        REAL(g_free)(pr);
        g_assert_false(g_ptr_array_remove(ours, &recs[0]));
        g_assert_null(g_ptr_array_free(ours, TRUE));
        REAL(g_ptr_array_free)(real, TRUE);

        ours = g_ptr_array_new();
        real = REAL(g_ptr_array_new)();
        po = g_ptr_array_steal(ours, NULL);
        pr = REAL(g_ptr_array_steal)(real, NULL);
        g_assert_cmpint(po == NULL, ==, pr == NULL);
        g_free(po);
        REAL(g_free)(pr);
        po = g_ptr_array_free(ours, FALSE);
        pr = REAL(g_ptr_array_free)(real, FALSE);
        g_assert_cmpint(po == NULL, ==, pr == NULL);
        g_free(po);
        REAL(g_free)(pr);

        /* the roostd idiom: a NULL-terminated strv from a GPtrArray */
        ours = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(ours, g_strdup("b"));
        g_ptr_array_insert(ours, 0, g_strdup("a"));
        g_ptr_array_insert(ours, -1, g_strdup("c"));
        g_ptr_array_add(ours, NULL);
        gsize len = 0;
        char **strv = (char **) g_ptr_array_steal(ours, &len);
        g_assert_cmpuint(len, ==, 4);
        g_assert_cmpuint(ours->len, ==, 0);
        char *joined = REAL(g_strjoinv)(",", strv);
        g_assert_cmpstr(joined, ==, "a,b,c");
        REAL(g_free)(joined);
        for (char **s = strv; *s; s++)
                g_free(*s);
        g_free(strv);
        g_ptr_array_add(ours, g_strdup("reused after steal"));
        g_assert_cmpstr(ours->pdata[0], ==, "reused after steal");
        g_ptr_array_unref(ours);

        /* extend_and_steal of an empty array, and into an empty one */
        ours = g_ptr_array_new();
        g_ptr_array_extend_and_steal(ours, g_ptr_array_new());
        g_assert_cmpuint(ours->len, ==, 0);
        GPtrArray *src = g_ptr_array_new_with_free_func(ours_elem_destroy);
        for (int i = 0; i < 100; i++)
                g_ptr_array_add(src, &recs[i]);
        g_ptr_array_extend_and_steal(ours, src);
        g_assert_cmpuint(log_ours.n, ==, 0);
        g_assert_cmpuint(ours->len, ==, 100);
        for (int i = 0; i < 100; i++)
                g_assert_true(ours->pdata[i] == &recs[i]);
        g_ptr_array_unref(ours);

        /* set_size shrinking frees the dropped elements in order */
        ours = g_ptr_array_new_with_free_func(ours_elem_destroy);
        real = REAL(g_ptr_array_new_with_free_func)(real_elem_destroy);
        for (int i = 0; i < 50; i++) {
                g_ptr_array_add(ours, &recs[i]);
                REAL(g_ptr_array_add)(real, &recs[i]);
        }
        g_ptr_array_set_size(ours, 60);
        REAL(g_ptr_array_set_size)(real, 60);
        ptr_arrays_check_same(ours, real);
        g_ptr_array_set_size(ours, 10);
        REAL(g_ptr_array_set_size)(real, 10);
        logs_check(FALSE);
        ptr_arrays_check_same(ours, real);
        g_ptr_array_unref(ours);
        REAL(g_ptr_array_unref)(real);
        logs_check(FALSE);
}

/* ---- GArray ---- */

static void test_array(void) {
        for (int zt = 0; zt < 2; zt++)
                for (int clear = 0; clear < 2; clear++) {
                        GArray *ours = g_array_new(zt, clear, sizeof(guint32));
                        GArray *real = REAL(g_array_new)(zt, clear, sizeof(guint32));
                        guint32 vals[37];
                        for (guint i = 0; i < G_N_ELEMENTS(vals); i++)
                                vals[i] = 0xdead0000 + i;

                        g_assert_cmpuint(ours->len, ==, 0);
                        if (zt)
                                g_assert_cmpuint(g_array_index(ours, guint32, 0), ==, 0);
                        for (guint n = 0; n < 300; n++) {
                                guint k = n % G_N_ELEMENTS(vals);
                                g_assert_true(g_array_append_vals(ours, vals, k) == ours);
                                REAL(g_array_append_vals)(real, vals, k);
                                guint32 one = n;
                                g_array_append_val(ours, one);
                                REAL(g_array_append_vals)(real, &one, 1);
                                g_assert_cmpuint(ours->len, ==, real->len);
                                g_assert_cmpmem(ours->data, ours->len * sizeof(guint32),
                                                real->data, real->len * sizeof(guint32));
                                if (zt)
                                        g_assert_cmpuint(g_array_index(ours, guint32, ours->len), ==, 0);
                        }
                        g_array_append_vals(ours, NULL, 0);
                        g_array_unref(ours);
                        REAL(g_array_unref)(real);
                }

        /* structs, as roostd stores them */
        typedef struct {
                char name[13];
                guint64 when;
        } Item;
        GArray *a = g_array_new(FALSE, FALSE, sizeof(Item));
        for (int i = 0; i < 1000; i++) {
                Item it = { .when = (guint64) i * 3 };
                snprintf(it.name, sizeof it.name, "i%d", i);
                g_array_append_val(a, it);
        }
        g_assert_cmpuint(a->len, ==, 1000);
        g_assert_cmpstr(g_array_index(a, Item, 999).name, ==, "i999");
        g_assert_cmpuint(g_array_index(a, Item, 500).when, ==, 1500);
        g_array_unref(a);
}

/* ---- GQueue and GList ---- */

static void queue_check_links(GQueue *q) {
        guint n = 0;
        GList *prev = NULL;
        for (GList *l = q->head; l; prev = l, l = l->next) {
                g_assert_true(l->prev == prev);
                n++;
        }
        g_assert_true(q->tail == prev);
        g_assert_cmpuint(n, ==, q->length);
}

static void test_queue(void) {
        GRand *rand = REAL(g_rand_new_with_seed)(7);
        GQueue ours, real;
        int items[30];

        g_queue_init(&ours);
        REAL(g_queue_init)(&real);
        for (int op = 0; op < 20000; op++) {
                gpointer p = &items[REAL(g_rand_int_range)(rand, 0, G_N_ELEMENTS(items))];
                int what = REAL(g_rand_int_range)(rand, 0, 100);
                if (what < 40) {
                        g_queue_push_tail(&ours, p);
                        REAL(g_queue_push_tail)(&real, p);
                } else if (what < 60) {
                        g_assert_true(g_queue_pop_head(&ours) == REAL(g_queue_pop_head)(&real));
                } else if (what < 80) {
                        g_assert_cmpint(g_queue_remove(&ours, p), ==, REAL(g_queue_remove)(&real, p));
                } else if (what < 90) {
                        g_assert_true(g_queue_peek_head(&ours) == REAL(g_queue_peek_head)(&real));
                } else if (what < 99) {
                        g_assert_cmpint(g_queue_is_empty(&ours), ==, REAL(g_queue_is_empty)(&real));
                } else if (REAL(g_rand_int_range)(rand, 0, 2)) {
                        g_queue_clear(&ours);
                        REAL(g_queue_clear)(&real);
                } else {
                        g_queue_clear_full(&ours, ours_elem_destroy);
                        REAL(g_queue_clear_full)(&real, real_elem_destroy);
                }
                logs_check(FALSE);
                queue_check_links(&ours);
                g_assert_cmpuint(ours.length, ==, real.length);
                GList *a = ours.head, *b = real.head;
                for (; a && b; a = a->next, b = b->next)
                        g_assert_true(a->data == b->data);
                g_assert_true(a == NULL && b == NULL);
        }
        g_queue_clear_full(&ours, ours_elem_destroy);
        REAL(g_queue_clear_full)(&real, real_elem_destroy);
        logs_check(FALSE);
        g_queue_clear_full(&ours, NULL);
        g_assert_true(g_queue_is_empty(&ours));
        g_assert_null(g_queue_pop_head(&ours));
        g_assert_null(g_queue_peek_head(&ours));
        g_assert_false(g_queue_remove(&ours, items));
        REAL(g_rand_free)(rand);
}

static gint rec_cmp(gconstpointer a, gconstpointer b) {
        const Rec *x = a, *y = b;
        return (x->key > y->key) - (x->key < y->key);
}

static void test_list_sort(void) {
        GRand *rand = REAL(g_rand_new_with_seed)(3);
        Rec recs[500];

        for (guint n = 0; n < 500; n = n < 20 ? n + 1 : n * 2 + 1) {
                GQueue q;
                GList *real = NULL;
                g_queue_init(&q);
                for (guint i = 0; i < n; i++) {
                        recs[i] = (Rec) { .key = REAL(g_rand_int_range)(rand, 0, 1 + (gint) n / 4), .id = (int) i };
                        g_queue_push_tail(&q, &recs[i]);
                        real = REAL(g_list_prepend)(real, &recs[i]);
                }
                real = REAL(g_list_reverse)(real);
                GList *ours = g_list_sort(q.head, rec_cmp);
                real = REAL(g_list_sort)(real, rec_cmp);

                GList *a = ours, *b = real, *prev = NULL;
                for (; a && b; prev = a, a = a->next, b = b->next) {
                        g_assert_true(a->data == b->data);
                        g_assert_true(a->prev == prev);
                }
                g_assert_true(a == NULL && b == NULL);
                for (GList *l = ours; l && l->next; l = l->next) {
                        const Rec *x = l->data, *y = l->next->data;
                        g_assert_true(x->key < y->key || (x->key == y->key && x->id < y->id));
                }
                g_list_free(ours);
                REAL(g_list_free)(real);
        }
        g_assert_null(g_list_sort(NULL, rec_cmp));
        g_list_free(NULL);

        /* the roostd idiom: sorted names of a table */
        GHashTable *t = g_hash_table_new(g_str_hash, gs_str_equal);
        static const char *const names[] = { "podman", "bridge", "zeta", "alpha", "host", "none" };
        for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
                g_hash_table_add(t, (gpointer) names[i]);
        g_autoptr(GList) sorted = g_list_sort(g_hash_table_get_keys(t), (GCompareFunc) strcmp);
        GString *s = REAL(g_string_new)(NULL);
        for (GList *l = sorted; l; l = l->next)
                REAL(g_string_append_printf)(s, "%s ", (char *) l->data);
        g_assert_cmpstr(s->str, ==, "alpha bridge host none podman zeta ");
        REAL(g_string_free)(s, TRUE);
        g_hash_table_unref(t);
        REAL(g_rand_free)(rand);
}

/* ---- GStrvBuilder ---- */

static void strv_check_same(char **ours, char **real) {
        guint i = 0;
        for (; ours[i] && real[i]; i++)
                g_assert_cmpstr(ours[i], ==, real[i]);
        g_assert_null(ours[i]);
        g_assert_null(real[i]);
}

static void strv_free_ours(char **v) {
        for (char **s = v; *s; s++)
                g_free(*s);
        g_free(v);
}

static void test_strv_builder(void) {
        GStrvBuilder *ours = g_strv_builder_new();
        GStrvBuilder *real = REAL(g_strv_builder_new)();
        char **vo, **vr;

        /* empty */
        vo = g_strv_builder_end(ours);
        vr = REAL(g_strv_builder_end)(real);
        strv_check_same(vo, vr);
        strv_free_ours(vo);
        REAL(g_strfreev)(vr);

        char buf[16] = "mutable";
        const char *argv[] = { "/sbin/init", "--", "", "\xff\xfe", NULL };
        g_strv_builder_add(ours, buf);
        REAL(g_strv_builder_add)(real, buf);
        strcpy(buf, "changed"); /* add copies */
        g_strv_builder_add_many(ours, "a", "b", "", NULL);
        REAL(g_strv_builder_add_many)(real, "a", "b", "", NULL);
        g_strv_builder_add_many(ours, NULL);
        REAL(g_strv_builder_add_many)(real, NULL);
        g_strv_builder_addv(ours, argv);
        REAL(g_strv_builder_addv)(real, argv);
        g_strv_builder_addv(ours, argv + 4);
        REAL(g_strv_builder_addv)(real, argv + 4);
        vo = g_strv_builder_end(ours);
        vr = REAL(g_strv_builder_end)(real);
        strv_check_same(vo, vr);
        g_assert_cmpstr(vo[0], ==, "mutable");
        strv_free_ours(vo);
        REAL(g_strfreev)(vr);

        /* reusable after end */
        for (int i = 0; i < 1000; i++) {
                char *s = REAL(g_strdup_printf)("%d", i);
                g_strv_builder_add(ours, s);
                REAL(g_strv_builder_add)(real, s);
                REAL(g_free)(s);
        }
        vo = g_strv_builder_end(ours);
        vr = REAL(g_strv_builder_end)(real);
        strv_check_same(vo, vr);
        strv_free_ours(vo);
        REAL(g_strfreev)(vr);

        /* unref with strings still added */
        g_strv_builder_add(ours, "left over");
        g_strv_builder_unref(ours);
        REAL(g_strv_builder_unref)(real);

        g_autoptr(GStrvBuilder) b = g_strv_builder_new();
        g_strv_builder_add(b, "x");
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/glib-subset/containers/str-hash", test_str_hash);
        g_test_add_func("/glib-subset/containers/hash-table-random", test_hash_table_random);
        g_test_add_func("/glib-subset/containers/hash-table-direct-big", test_hash_table_direct_big);
        g_test_add_func("/glib-subset/containers/hash-table-order", test_hash_table_order);
        g_test_add_func("/glib-subset/containers/ptr-array-random", test_ptr_array_random);
        g_test_add_func("/glib-subset/containers/ptr-array-edges", test_ptr_array_edges);
        g_test_add_func("/glib-subset/containers/array", test_array);
        g_test_add_func("/glib-subset/containers/queue", test_queue);
        g_test_add_func("/glib-subset/containers/list-sort", test_list_sort);
        g_test_add_func("/glib-subset/containers/strv-builder", test_strv_builder);
        return g_test_run();
}
