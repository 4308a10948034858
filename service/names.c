/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#include "names.h"

static const char *const adjectives[] = {
        "agile", "bold", "brave", "bright", "calm", "clever", "cosy", "crisp", "daring", "eager", "fancy", "fond",
        "gentle", "glad", "grand", "happy", "hardy", "jolly", "keen", "kind", "lively", "lucid", "merry", "mighty",
        "nimble", "noble", "patient", "plucky", "proud", "quick", "quiet", "rapid", "serene", "sharp", "shy",
        "snug", "steady", "sturdy", "swift", "tender", "tidy", "trusty", "vivid", "warm", "wise", "witty", "zesty",
};

/* birds that roost */
static const char *const nouns[] = {
        "albatross", "bittern", "bunting", "buzzard", "chough", "crane", "crow", "cuckoo", "curlew", "dipper",
        "dove", "dunlin", "eagle", "egret", "falcon", "finch", "gannet", "godwit", "goose", "grebe", "heron",
        "hobby", "ibis", "jackdaw", "jay", "kestrel", "kite", "lapwing", "lark", "linnet", "magpie", "martin",
        "merlin", "nightjar", "nuthatch", "osprey", "owl", "petrel", "plover", "puffin", "raven", "redstart",
        "robin", "rook", "shrike", "siskin", "skylark", "sparrow", "starling", "stork", "swallow", "swift",
        "tern", "thrush", "wagtail", "warbler", "waxwing", "wren",
};

char *names_random_id(void) {
        uint8_t b[32];
        char *s = g_malloc(65);

        if (getrandom(b, sizeof b, 0) != sizeof b)
                for (size_t i = 0; i < sizeof b; i++)
                        b[i] = (uint8_t) g_random_int();
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(s + 2 * i, 3, "%02x", b[i]);
        /* an ID that is all digits could be taken for a number: docker avoids it too */
        if (strspn(s, "0123456789") == 64)
                s[0] = 'a';
        return s;
}

char *names_generate(bool (*taken)(const char *name, void *userdata), void *userdata) {
        for (unsigned i = 0;; i++) {
                g_autofree char *n = g_strdup_printf("%s_%s", adjectives[g_random_int_range(0, G_N_ELEMENTS(adjectives))],
                                                     nouns[g_random_int_range(0, G_N_ELEMENTS(nouns))]);
                if (i >= 10) {
                        char *x = g_strdup_printf("%s%u", n, g_random_int_range(1, 100000));
                        if (!taken(x, userdata))
                                return x;
                        g_free(x);
                        continue;
                }
                if (!taken(n, userdata))
                        return g_steal_pointer(&n);
        }
}
