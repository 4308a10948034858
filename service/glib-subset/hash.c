/* SPDX-License-Identifier: Apache-2.0 */
/* GHashTable, g_str_hash and g_str_equal.
 *
 * Entries live in a compact array in insertion order, so iteration is
 * deterministic (GLib's order is arbitrary: callers cannot rely on either).
 * An open-addressing index (linear probing) maps hashes to entries. A
 * removal leaves a hole in the array and a tombstone in the index; both go
 * when the table is rebuilt, on growth or when it gets sparse. */
#include <string.h>

#include "glib-subset.h"

#define MIN_ALLOC 8u
#define SLOT_EMPTY 0u
#define SLOT_TOMB 1u
/* index slots hold entry position + 2; 0 and 1 are the markers above */
#define SLOT_FIRST 2u

typedef struct {
        gpointer key;
        gpointer value;
        guint hash;
        gboolean live;
} Entry;

struct _GHashTable {
        GHashFunc hash_func;
        GEqualFunc key_equal_func;
        GDestroyNotify key_destroy_func;
        GDestroyNotify value_destroy_func;
        gint ref_count;
        guint size;     /* live entries */
        guint n_used;   /* entry slots used, holes included */
        guint n_alloc;  /* entry slots allocated; the index has twice as many */
        guint bits;     /* log2 of the index size */
        Entry *entries;
        guint32 *index;
};

/* what GHashTableIter's opaque fields hold */
typedef struct {
        GHashTable *table;
        gsize pos;
} RealIter;

G_STATIC_ASSERT(sizeof(RealIter) <= sizeof(GHashTableIter));

guint g_str_hash(gconstpointer v) {
        /* djb: h = h * 33 + c, the bytes taken as signed char as GLib does */
        guint32 h = 5381;
        for (const signed char *p = v; *p; p++)
                h = h * 33 + (guint32) *p;
        return h;
}

/* glib.h declares g_str_equal; the tests' renamed symbol needs this one */
gboolean (GS_STR_EQUAL_SYMBOL)(gconstpointer v1, gconstpointer v2);

gboolean (GS_STR_EQUAL_SYMBOL)(gconstpointer v1, gconstpointer v2) {
        return strcmp(v1, v2) == 0;
}

static guint direct_hash(gconstpointer v) {
        return GPOINTER_TO_UINT(v);
}

GHashTable *g_hash_table_new_full(GHashFunc hash_func, GEqualFunc key_equal_func,
                                  GDestroyNotify key_destroy_func, GDestroyNotify value_destroy_func) {
        GHashTable *t = g_new0(GHashTable, 1);
        t->hash_func = hash_func ? hash_func : direct_hash;
        t->key_equal_func = key_equal_func;
        t->key_destroy_func = key_destroy_func;
        t->value_destroy_func = value_destroy_func;
        t->ref_count = 1;
        return t;
}

GHashTable *g_hash_table_new(GHashFunc hash_func, GEqualFunc key_equal_func) {
        return g_hash_table_new_full(hash_func, key_equal_func, NULL, NULL);
}

/* Fibonacci hashing spreads weak hashes (aligned pointers) over the index */
static guint32 slot_of(const GHashTable *t, guint hash) {
        return (guint32) (hash * 2654435769u) >> (32 - t->bits);
}

static gboolean keys_equal(const GHashTable *t, gconstpointer a, gconstpointer b) {
        return t->key_equal_func ? t->key_equal_func(a, b) : a == b;
}

/* The index slot holding key, or -1; *ret_free gets the first reusable slot
 * on the probe path (tombstone or empty) when ret_free is not NULL. */
static gssize find_slot(const GHashTable *t, gconstpointer key, guint hash, gssize *ret_free) {
        gssize free_slot = -1;

        if (t->n_alloc == 0) {
                if (ret_free)
                        *ret_free = -1;
                return -1;
        }
        guint32 mask = (1u << t->bits) - 1;
        for (guint32 i = slot_of(t, hash);; i = (i + 1) & mask) {
                guint32 s = t->index[i];
                if (s == SLOT_EMPTY) {
                        if (free_slot < 0)
                                free_slot = i;
                        break;
                }
                if (s == SLOT_TOMB) {
                        if (free_slot < 0)
                                free_slot = i;
                        continue;
                }
                const Entry *e = &t->entries[s - SLOT_FIRST];
                if (e->hash == hash && keys_equal(t, e->key, key)) {
                        if (ret_free)
                                *ret_free = -1;
                        return i;
                }
        }
        if (ret_free)
                *ret_free = free_slot;
        return -1;
}

static guint alloc_for(guint size) {
        guint n = MIN_ALLOC;
        while (n < 2 * (gsize) size)
                n *= 2;
        return n;
}

/* Reallocate for the live entries, compacting out holes and tombstones */
static void rebuild(GHashTable *t) {
        guint n_alloc = alloc_for(t->size);
        guint bits = 1;
        Entry *entries = g_realloc_n(NULL, n_alloc, sizeof(Entry)); /* g_new would need g_malloc_n */
        guint n = 0;

        while ((1u << bits) < 2 * n_alloc)
                bits++;
        for (guint i = 0; i < t->n_used; i++)
                if (t->entries[i].live)
                        entries[n++] = t->entries[i];
        g_free(t->entries);
        g_free(t->index);
        t->entries = entries;
        t->n_alloc = n_alloc;
        t->n_used = n;
        t->bits = bits;
        t->index = g_new0(guint32, (gsize) 1 << bits);

        guint32 mask = (1u << bits) - 1;
        for (guint i = 0; i < n; i++) {
                guint32 s = slot_of(t, entries[i].hash);
                while (t->index[s] != SLOT_EMPTY)
                        s = (s + 1) & mask;
                t->index[s] = i + SLOT_FIRST;
        }
}

/* Shared by insert, replace and add; TRUE when the key was new */
static gboolean insert_node(GHashTable *t, gpointer key, gpointer value, gboolean keep_new_key) {
        guint hash = t->hash_func(key);
        gssize free_slot;
        gssize slot = find_slot(t, key, hash, &free_slot);

        if (slot >= 0) {
                Entry *e = &t->entries[t->index[slot] - SLOT_FIRST];
                gpointer old_key = e->key, old_value = e->value;

                /* the table is consistent before any destroy function runs */
                if (keep_new_key)
                        e->key = key;
                e->value = value;
                if (t->key_destroy_func)
                        t->key_destroy_func(keep_new_key ? old_key : key);
                if (t->value_destroy_func)
                        t->value_destroy_func(old_value);
                return FALSE;
        }

        if (t->n_used == t->n_alloc) {
                rebuild(t);
                find_slot(t, key, hash, &free_slot);
        }
        t->entries[t->n_used] = (Entry) { .key = key, .value = value, .hash = hash, .live = TRUE };
        t->index[free_slot] = t->n_used + SLOT_FIRST;
        t->n_used++;
        t->size++;
        return TRUE;
}

gboolean g_hash_table_insert(GHashTable *hash_table, gpointer key, gpointer value) {
        return insert_node(hash_table, key, value, FALSE);
}

gboolean g_hash_table_replace(GHashTable *hash_table, gpointer key, gpointer value) {
        return insert_node(hash_table, key, value, TRUE);
}

gboolean g_hash_table_add(GHashTable *hash_table, gpointer key) {
        return insert_node(hash_table, key, key, TRUE);
}

static const Entry *lookup_entry(GHashTable *t, gconstpointer key) {
        if (t->size == 0)
                return NULL;
        gssize slot = find_slot(t, key, t->hash_func(key), NULL);
        return slot >= 0 ? &t->entries[t->index[slot] - SLOT_FIRST] : NULL;
}

gboolean g_hash_table_contains(GHashTable *hash_table, gconstpointer key) {
        return lookup_entry(hash_table, key) != NULL;
}

gpointer g_hash_table_lookup(GHashTable *hash_table, gconstpointer key) {
        const Entry *e = lookup_entry(hash_table, key);
        return e ? e->value : NULL;
}

gboolean g_hash_table_remove(GHashTable *hash_table, gconstpointer key) {
        GHashTable *t = hash_table;

        if (t->size == 0)
                return FALSE;
        gssize slot = find_slot(t, key, t->hash_func(key), NULL);
        if (slot < 0)
                return FALSE;

        Entry *e = &t->entries[t->index[slot] - SLOT_FIRST];
        gpointer old_key = e->key, old_value = e->value;
        *e = (Entry) {};
        t->index[slot] = SLOT_TOMB;
        t->size--;
        /* give memory back once the table is mostly empty */
        if (t->n_alloc > MIN_ALLOC && t->size < t->n_alloc / 8)
                rebuild(t);

        if (t->key_destroy_func)
                t->key_destroy_func(old_key);
        if (t->value_destroy_func)
                t->value_destroy_func(old_value);
        return TRUE;
}

/* Empty the table first, then run the destroy functions: they may use it */
static void remove_all_nodes(GHashTable *t) {
        Entry *entries = t->entries;
        guint n_used = t->n_used;

        g_free(t->index);
        t->entries = NULL;
        t->index = NULL;
        t->size = t->n_used = t->n_alloc = t->bits = 0;

        for (guint i = 0; i < n_used; i++) {
                if (!entries[i].live)
                        continue;
                if (t->key_destroy_func)
                        t->key_destroy_func(entries[i].key);
                if (t->value_destroy_func)
                        t->value_destroy_func(entries[i].value);
        }
        g_free(entries);
}

void g_hash_table_remove_all(GHashTable *hash_table) {
        remove_all_nodes(hash_table);
}

guint g_hash_table_size(GHashTable *hash_table) {
        return hash_table->size;
}

GList *g_hash_table_get_keys(GHashTable *hash_table) {
        GList *head = NULL, *tail = NULL;

        for (guint i = 0; i < hash_table->n_used; i++) {
                const Entry *e = &hash_table->entries[i];
                if (!e->live)
                        continue;
                GList *l = g_new0(GList, 1);
                l->data = e->key;
                l->prev = tail;
                if (tail)
                        tail->next = l;
                else
                        head = l;
                tail = l;
        }
        return head;
}

gpointer *g_hash_table_get_keys_as_array(GHashTable *hash_table, guint *length) {
        gpointer *keys = g_realloc_n(NULL, (gsize) hash_table->size + 1, sizeof(gpointer));
        guint n = 0;

        for (guint i = 0; i < hash_table->n_used; i++)
                if (hash_table->entries[i].live)
                        keys[n++] = hash_table->entries[i].key;
        keys[n] = NULL;
        if (length)
                *length = n;
        return keys;
}

void g_hash_table_iter_init(GHashTableIter *iter, GHashTable *hash_table) {
        RealIter *ri = (RealIter *) iter;

        memset(iter, 0, sizeof *iter);
        ri->table = hash_table;
        ri->pos = 0;
}

gboolean g_hash_table_iter_next(GHashTableIter *iter, gpointer *key, gpointer *value) {
        RealIter *ri = (RealIter *) iter;
        GHashTable *t = ri->table;

        while (ri->pos < t->n_used) {
                const Entry *e = &t->entries[ri->pos++];
                if (!e->live)
                        continue;
                if (key)
                        *key = e->key;
                if (value)
                        *value = e->value;
                return TRUE;
        }
        return FALSE;
}

void g_hash_table_unref(GHashTable *hash_table) {
        if (--hash_table->ref_count > 0)
                return;
        remove_all_nodes(hash_table);
        g_free(hash_table);
}

void g_hash_table_destroy(GHashTable *hash_table) {
        g_hash_table_remove_all(hash_table);
        g_hash_table_unref(hash_table);
}
