/* SPDX-License-Identifier: Apache-2.0 */
/* GPtrArray, GArray, GQueue, GList and GStrvBuilder: the calls roostd makes. */
#include <stdarg.h>
#include <string.h>

#include "glib-subset.h"

#define MIN_ARRAY_SIZE 16u

/* the smallest power of two >= n, at least MIN_ARRAY_SIZE */
static gsize grown_size(gsize n) {
        gsize r = MIN_ARRAY_SIZE;
        while (r < n)
                r *= 2;
        return r;
}

/* Stable merge sort of n pointers; cmp gets pointers to the elements, as
 * g_ptr_array_sort's compare function does. tmp holds n pointers. */
static void merge_sort(gpointer *a, gpointer *tmp, gsize n, GCompareFunc cmp) {
        if (n < 2)
                return;
        gsize half = n / 2, i = 0, j = half, k = 0;

        merge_sort(a, tmp, half, cmp);
        merge_sort(a + half, tmp, n - half, cmp);
        while (i < half && j < n) {
                /* ties take the left element first: that keeps it stable */
                if (cmp(&a[j], &a[i]) < 0)
                        tmp[k++] = a[j++];
                else
                        tmp[k++] = a[i++];
        }
        while (i < half)
                tmp[k++] = a[i++];
        /* the rest of the right run is already in place */
        memcpy(a, tmp, k * sizeof *a);
}

/* ---- GPtrArray ---- */

typedef struct {
        /* the public GPtrArray fields, first */
        gpointer *pdata;
        guint len;
        guint alloc;
        gint ref_count;
        GDestroyNotify free_func;
} RealPtrArray;

G_STATIC_ASSERT(offsetof(RealPtrArray, pdata) == offsetof(GPtrArray, pdata));
G_STATIC_ASSERT(offsetof(RealPtrArray, len) == offsetof(GPtrArray, len));

GPtrArray *g_ptr_array_new_with_free_func(GDestroyNotify element_free_func) {
        RealPtrArray *a = g_new0(RealPtrArray, 1);
        a->ref_count = 1;
        a->free_func = element_free_func;
        return (GPtrArray *) a;
}

GPtrArray *g_ptr_array_new(void) {
        return g_ptr_array_new_with_free_func(NULL);
}

static void ptr_array_reserve(RealPtrArray *a, guint extra) {
        gsize want = (gsize) a->len + extra;
        if (want <= a->alloc)
                return;
        gsize n = grown_size(want);
        if (n > G_MAXUINT)
                n = G_MAXUINT;
        a->pdata = g_realloc_n(a->pdata, n, sizeof(gpointer));
        a->alloc = (guint) n;
}

void g_ptr_array_add(GPtrArray *array, gpointer data) {
        RealPtrArray *a = (RealPtrArray *) array;
        ptr_array_reserve(a, 1);
        a->pdata[a->len++] = data;
}

void g_ptr_array_insert(GPtrArray *array, gint index_, gpointer data) {
        RealPtrArray *a = (RealPtrArray *) array;
        guint at = index_ < 0 ? a->len : (guint) index_;

        if (at > a->len)
                return; /* GLib refuses it too (a critical) */
        ptr_array_reserve(a, 1);
        memmove(a->pdata + at + 1, a->pdata + at, (a->len - at) * sizeof(gpointer));
        a->pdata[at] = data;
        a->len++;
}

gpointer g_ptr_array_remove_index(GPtrArray *array, guint index_) {
        RealPtrArray *a = (RealPtrArray *) array;

        if (index_ >= a->len)
                return NULL;
        gpointer p = a->pdata[index_];
        /* close the gap before the free function runs: it may use the array */
        memmove(a->pdata + index_, a->pdata + index_ + 1, (a->len - index_ - 1) * sizeof(gpointer));
        a->len--;
        if (a->free_func)
                a->free_func(p);
        return p;
}

gboolean g_ptr_array_remove(GPtrArray *array, gpointer data) {
        for (guint i = 0; i < array->len; i++)
                if (array->pdata[i] == data) {
                        g_ptr_array_remove_index(array, i);
                        return TRUE;
                }
        return FALSE;
}

void g_ptr_array_set_size(GPtrArray *array, gint length) {
        RealPtrArray *a = (RealPtrArray *) array;

        if (length < 0)
                return;
        guint n = (guint) length;
        if (n > a->len) {
                ptr_array_reserve(a, n - a->len);
                memset(a->pdata + a->len, 0, (n - a->len) * sizeof(gpointer));
                a->len = n;
                return;
        }
        /* dropped elements are freed in order, as GLib does, once the array
         * no longer holds them (the free function may use it) */
        guint n_dropped = a->len - n;
        a->len = n;
        if (!a->free_func || n_dropped == 0)
                return;
        gpointer *dropped = g_memdup2(a->pdata + n, n_dropped * sizeof(gpointer));
        for (guint i = 0; i < n_dropped; i++)
                a->free_func(dropped[i]);
        g_free(dropped);
}

void g_ptr_array_sort(GPtrArray *array, GCompareFunc compare_func) {
        if (array->len < 2)
                return;
        gpointer *tmp = g_realloc_n(NULL, array->len, sizeof(gpointer));
        merge_sort(array->pdata, tmp, array->len, compare_func);
        g_free(tmp);
}

gpointer *g_ptr_array_steal(GPtrArray *array, gsize *len) {
        RealPtrArray *a = (RealPtrArray *) array;
        gpointer *pdata = a->pdata;

        if (len)
                *len = a->len;
        a->pdata = NULL;
        a->len = 0;
        a->alloc = 0;
        return pdata;
}

void g_ptr_array_extend_and_steal(GPtrArray *array_to_extend, GPtrArray *array) {
        RealPtrArray *a = (RealPtrArray *) array_to_extend;
        gsize n;
        gpointer *pdata = g_ptr_array_steal(array, &n);

        if (n > 0) {
                ptr_array_reserve(a, (guint) n);
                memcpy(a->pdata + a->len, pdata, n * sizeof(gpointer));
                a->len += (guint) n;
        }
        g_free(pdata);
        g_ptr_array_unref(array);
}

gpointer *g_ptr_array_free(GPtrArray *array, gboolean free_segment) {
        RealPtrArray *a = (RealPtrArray *) array;
        /* another reference keeps the wrapper, emptied */
        gboolean keep_wrapper = --a->ref_count > 0;
        gsize n;
        gpointer *pdata = g_ptr_array_steal(array, &n);

        if (free_segment) {
                if (a->free_func)
                        for (gsize i = 0; i < n; i++)
                                a->free_func(pdata[i]);
                g_free(pdata);
                pdata = NULL;
        }
        if (!keep_wrapper)
                g_free(a);
        return pdata;
}

void g_ptr_array_unref(GPtrArray *array) {
        RealPtrArray *a = (RealPtrArray *) array;
        if (a->ref_count > 1) {
                a->ref_count--;
                return;
        }
        g_ptr_array_free(array, TRUE);
}

/* ---- GArray ---- */

typedef struct {
        /* the public GArray fields, first */
        gchar *data;
        guint len;
        guint alloc; /* in elements */
        guint element_size;
        gboolean zero_terminated;
        gboolean clear;
        gint ref_count;
} RealArray;

G_STATIC_ASSERT(offsetof(RealArray, data) == offsetof(GArray, data));
G_STATIC_ASSERT(offsetof(RealArray, len) == offsetof(GArray, len));

static void array_reserve(RealArray *a, guint extra) {
        gsize want = (gsize) a->len + extra + (a->zero_terminated ? 1 : 0);
        if (want <= a->alloc)
                return;
        gsize n = grown_size(want);
        if (n > G_MAXUINT)
                n = G_MAXUINT;
        a->data = g_realloc_n(a->data, n, a->element_size);
        if (a->clear)
                memset(a->data + (gsize) a->alloc * a->element_size, 0,
                       (n - a->alloc) * a->element_size);
        a->alloc = (guint) n;
}

static void array_zero_terminate(RealArray *a) {
        if (a->zero_terminated)
                memset(a->data + (gsize) a->len * a->element_size, 0, a->element_size);
}

GArray *g_array_new(gboolean zero_terminated, gboolean clear_, guint element_size) {
        RealArray *a = g_new0(RealArray, 1);
        a->element_size = element_size;
        a->zero_terminated = zero_terminated;
        a->clear = clear_;
        a->ref_count = 1;
        if (zero_terminated) {
                array_reserve(a, 0);
                array_zero_terminate(a);
        }
        return (GArray *) a;
}

GArray *g_array_append_vals(GArray *array, gconstpointer data, guint len) {
        RealArray *a = (RealArray *) array;

        if (len == 0)
                return array;
        array_reserve(a, len);
        memcpy(a->data + (gsize) a->len * a->element_size, data, (gsize) len * a->element_size);
        a->len += len;
        array_zero_terminate(a);
        return array;
}

void g_array_unref(GArray *array) {
        RealArray *a = (RealArray *) array;
        if (--a->ref_count > 0)
                return;
        g_free(a->data);
        g_free(a);
}

/* ---- GList ---- */

void g_list_free(GList *list) {
        while (list) {
                GList *next = list->next;
                g_free(list);
                list = next;
        }
}

/* merges two sorted lists linked by ->next; ties take a first (stable) */
static GList *list_merge(GList *a, GList *b, GCompareFunc cmp) {
        GList head = {}, *tail = &head;

        while (a && b) {
                if (cmp(b->data, a->data) < 0) {
                        tail->next = b;
                        b = b->next;
                } else {
                        tail->next = a;
                        a = a->next;
                }
                tail = tail->next;
        }
        tail->next = a ? a : b;
        return head.next;
}

static GList *list_sort_next(GList *list, GCompareFunc cmp) {
        if (!list || !list->next)
                return list;
        GList *slow = list, *fast = list->next;
        while (fast && fast->next) {
                slow = slow->next;
                fast = fast->next->next;
        }
        GList *second = slow->next;
        slow->next = NULL;
        return list_merge(list_sort_next(list, cmp), list_sort_next(second, cmp), cmp);
}

GList *g_list_sort(GList *list, GCompareFunc compare_func) {
        list = list_sort_next(list, compare_func);
        GList *prev = NULL;
        for (GList *l = list; l; l = l->next) {
                l->prev = prev;
                prev = l;
        }
        return list;
}

/* ---- GQueue ---- */

void g_queue_init(GQueue *queue) {
        queue->head = queue->tail = NULL;
        queue->length = 0;
}

void g_queue_clear(GQueue *queue) {
        g_list_free(queue->head);
        g_queue_init(queue);
}

void g_queue_clear_full(GQueue *queue, GDestroyNotify free_func) {
        if (free_func)
                for (GList *l = queue->head; l; l = l->next)
                        free_func(l->data);
        g_queue_clear(queue);
}

gboolean g_queue_is_empty(GQueue *queue) {
        return queue->head == NULL;
}

gpointer g_queue_peek_head(GQueue *queue) {
        return queue->head ? queue->head->data : NULL;
}

static void queue_unlink(GQueue *queue, GList *l) {
        if (l->prev)
                l->prev->next = l->next;
        else
                queue->head = l->next;
        if (l->next)
                l->next->prev = l->prev;
        else
                queue->tail = l->prev;
        queue->length--;
        g_free(l);
}

gpointer g_queue_pop_head(GQueue *queue) {
        GList *l = queue->head;
        if (!l)
                return NULL;
        gpointer data = l->data;
        queue_unlink(queue, l);
        return data;
}

void g_queue_push_tail(GQueue *queue, gpointer data) {
        GList *l = g_new0(GList, 1);
        l->data = data;
        l->prev = queue->tail;
        if (queue->tail)
                queue->tail->next = l;
        else
                queue->head = l;
        queue->tail = l;
        queue->length++;
}

gboolean g_queue_remove(GQueue *queue, gconstpointer data) {
        for (GList *l = queue->head; l; l = l->next)
                if (l->data == data) {
                        queue_unlink(queue, l);
                        return TRUE;
                }
        return FALSE;
}

/* ---- GStrvBuilder ---- */

struct _GStrvBuilder {
        GPtrArray *strv;
};

GStrvBuilder *g_strv_builder_new(void) {
        GStrvBuilder *b = g_new0(GStrvBuilder, 1);
        b->strv = g_ptr_array_new_with_free_func(g_free);
        return b;
}

void g_strv_builder_unref(GStrvBuilder *builder) {
        g_ptr_array_unref(builder->strv);
        g_free(builder);
}

void g_strv_builder_add(GStrvBuilder *builder, const char *value) {
        g_ptr_array_add(builder->strv, g_strdup(value));
}

void g_strv_builder_addv(GStrvBuilder *builder, const char **value) {
        for (gsize i = 0; value[i]; i++)
                g_strv_builder_add(builder, value[i]);
}

void g_strv_builder_add_many(GStrvBuilder *builder, ...) {
        va_list ap;
        const char *s;

        va_start(ap, builder);
        while ((s = va_arg(ap, const char *)))
                g_strv_builder_add(builder, s);
        va_end(ap);
}

GStrv g_strv_builder_end(GStrvBuilder *builder) {
        g_ptr_array_add(builder->strv, NULL);
        return (GStrv) g_ptr_array_steal(builder->strv, NULL);
}
