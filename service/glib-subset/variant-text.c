/* SPDX-License-Identifier: Apache-2.0 */
/* GVariant's text format: g_variant_print(), g_variant_parse() and
 * g_variant_new_parsed(). roostd stores options and labels as printed text,
 * so the output must be GLib's byte for byte and the parser must read all
 * that GLib prints. Values are read and built only through the GVariant
 * API of variant.c. */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glib-subset.h"

static bool ascii_space(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool ascii_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool ascii_alnum(char c) {
        return ascii_alpha(c) || ascii_digit(c);
}

static bool ascii_xdigit(char c) {
        return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static locale_t c_locale(void) {
        static locale_t l;
        if (!l)
                l = newlocale(LC_ALL_MASK, "C", (locale_t) 0);
        return l;
}

/* end of the complete type at t */
static const char *type_end(const char *t) {
        while (*t == 'a' || *t == 'm')
                t++;
        if (*t == '(' || *t == '{') {
                char close = *t == '(' ? ')' : '}';
                for (t++; *t != close;)
                        t = type_end(t);
        }
        return t + 1;
}

static int type_len(const char *t) {
        return (int) (type_end(t) - t);
}

/* ---- printing ---- */

/* Code points above U+009F that GLib's g_unichar_isprint() rejects
 * (unassigned, format and surrogate code points of Unicode 15, as in
 * GLib 2.74): printed as \u or \U escapes. */
static const struct {
        guint32 first, last;
} unprintable[] = {
        { 0xad, 0xad }, { 0x378, 0x379 }, { 0x380, 0x383 }, { 0x38b, 0x38b },
        { 0x38d, 0x38d }, { 0x3a2, 0x3a2 }, { 0x530, 0x530 }, { 0x557, 0x558 },
        { 0x58b, 0x58c }, { 0x590, 0x590 }, { 0x5c8, 0x5cf }, { 0x5eb, 0x5ee },
        { 0x5f5, 0x605 }, { 0x61c, 0x61c }, { 0x6dd, 0x6dd }, { 0x70e, 0x70f },
        { 0x74b, 0x74c }, { 0x7b2, 0x7bf }, { 0x7fb, 0x7fc }, { 0x82e, 0x82f },
        { 0x83f, 0x83f }, { 0x85c, 0x85d }, { 0x85f, 0x85f }, { 0x86b, 0x86f },
        { 0x88f, 0x897 }, { 0x8e2, 0x8e2 }, { 0x984, 0x984 }, { 0x98d, 0x98e },
        { 0x991, 0x992 }, { 0x9a9, 0x9a9 }, { 0x9b1, 0x9b1 }, { 0x9b3, 0x9b5 },
        { 0x9ba, 0x9bb }, { 0x9c5, 0x9c6 }, { 0x9c9, 0x9ca }, { 0x9cf, 0x9d6 },
        { 0x9d8, 0x9db }, { 0x9de, 0x9de }, { 0x9e4, 0x9e5 }, { 0x9ff, 0xa00 },
        { 0xa04, 0xa04 }, { 0xa0b, 0xa0e }, { 0xa11, 0xa12 }, { 0xa29, 0xa29 },
        { 0xa31, 0xa31 }, { 0xa34, 0xa34 }, { 0xa37, 0xa37 }, { 0xa3a, 0xa3b },
        { 0xa3d, 0xa3d }, { 0xa43, 0xa46 }, { 0xa49, 0xa4a }, { 0xa4e, 0xa50 },
        { 0xa52, 0xa58 }, { 0xa5d, 0xa5d }, { 0xa5f, 0xa65 }, { 0xa77, 0xa80 },
        { 0xa84, 0xa84 }, { 0xa8e, 0xa8e }, { 0xa92, 0xa92 }, { 0xaa9, 0xaa9 },
        { 0xab1, 0xab1 }, { 0xab4, 0xab4 }, { 0xaba, 0xabb }, { 0xac6, 0xac6 },
        { 0xaca, 0xaca }, { 0xace, 0xacf }, { 0xad1, 0xadf }, { 0xae4, 0xae5 },
        { 0xaf2, 0xaf8 }, { 0xb00, 0xb00 }, { 0xb04, 0xb04 }, { 0xb0d, 0xb0e },
        { 0xb11, 0xb12 }, { 0xb29, 0xb29 }, { 0xb31, 0xb31 }, { 0xb34, 0xb34 },
        { 0xb3a, 0xb3b }, { 0xb45, 0xb46 }, { 0xb49, 0xb4a }, { 0xb4e, 0xb54 },
        { 0xb58, 0xb5b }, { 0xb5e, 0xb5e }, { 0xb64, 0xb65 }, { 0xb78, 0xb81 },
        { 0xb84, 0xb84 }, { 0xb8b, 0xb8d }, { 0xb91, 0xb91 }, { 0xb96, 0xb98 },
        { 0xb9b, 0xb9b }, { 0xb9d, 0xb9d }, { 0xba0, 0xba2 }, { 0xba5, 0xba7 },
        { 0xbab, 0xbad }, { 0xbba, 0xbbd }, { 0xbc3, 0xbc5 }, { 0xbc9, 0xbc9 },
        { 0xbce, 0xbcf }, { 0xbd1, 0xbd6 }, { 0xbd8, 0xbe5 }, { 0xbfb, 0xbff },
        { 0xc0d, 0xc0d }, { 0xc11, 0xc11 }, { 0xc29, 0xc29 }, { 0xc3a, 0xc3b },
        { 0xc45, 0xc45 }, { 0xc49, 0xc49 }, { 0xc4e, 0xc54 }, { 0xc57, 0xc57 },
        { 0xc5b, 0xc5c }, { 0xc5e, 0xc5f }, { 0xc64, 0xc65 }, { 0xc70, 0xc76 },
        { 0xc8d, 0xc8d }, { 0xc91, 0xc91 }, { 0xca9, 0xca9 }, { 0xcb4, 0xcb4 },
        { 0xcba, 0xcbb }, { 0xcc5, 0xcc5 }, { 0xcc9, 0xcc9 }, { 0xcce, 0xcd4 },
        { 0xcd7, 0xcdc }, { 0xcdf, 0xcdf }, { 0xce4, 0xce5 }, { 0xcf0, 0xcf0 },
        { 0xcf4, 0xcff }, { 0xd0d, 0xd0d }, { 0xd11, 0xd11 }, { 0xd45, 0xd45 },
        { 0xd49, 0xd49 }, { 0xd50, 0xd53 }, { 0xd64, 0xd65 }, { 0xd80, 0xd80 },
        { 0xd84, 0xd84 }, { 0xd97, 0xd99 }, { 0xdb2, 0xdb2 }, { 0xdbc, 0xdbc },
        { 0xdbe, 0xdbf }, { 0xdc7, 0xdc9 }, { 0xdcb, 0xdce }, { 0xdd5, 0xdd5 },
        { 0xdd7, 0xdd7 }, { 0xde0, 0xde5 }, { 0xdf0, 0xdf1 }, { 0xdf5, 0xe00 },
        { 0xe3b, 0xe3e }, { 0xe5c, 0xe80 }, { 0xe83, 0xe83 }, { 0xe85, 0xe85 },
        { 0xe8b, 0xe8b }, { 0xea4, 0xea4 }, { 0xea6, 0xea6 }, { 0xebe, 0xebf },
        { 0xec5, 0xec5 }, { 0xec7, 0xec7 }, { 0xecf, 0xecf }, { 0xeda, 0xedb },
        { 0xee0, 0xeff }, { 0xf48, 0xf48 }, { 0xf6d, 0xf70 }, { 0xf98, 0xf98 },
        { 0xfbd, 0xfbd }, { 0xfcd, 0xfcd }, { 0xfdb, 0xfff }, { 0x10c6, 0x10c6 },
        { 0x10c8, 0x10cc }, { 0x10ce, 0x10cf }, { 0x1249, 0x1249 }, { 0x124e, 0x124f },
        { 0x1257, 0x1257 }, { 0x1259, 0x1259 }, { 0x125e, 0x125f }, { 0x1289, 0x1289 },
        { 0x128e, 0x128f }, { 0x12b1, 0x12b1 }, { 0x12b6, 0x12b7 }, { 0x12bf, 0x12bf },
        { 0x12c1, 0x12c1 }, { 0x12c6, 0x12c7 }, { 0x12d7, 0x12d7 }, { 0x1311, 0x1311 },
        { 0x1316, 0x1317 }, { 0x135b, 0x135c }, { 0x137d, 0x137f }, { 0x139a, 0x139f },
        { 0x13f6, 0x13f7 }, { 0x13fe, 0x13ff }, { 0x169d, 0x169f }, { 0x16f9, 0x16ff },
        { 0x1716, 0x171e }, { 0x1737, 0x173f }, { 0x1754, 0x175f }, { 0x176d, 0x176d },
        { 0x1771, 0x1771 }, { 0x1774, 0x177f }, { 0x17de, 0x17df }, { 0x17ea, 0x17ef },
        { 0x17fa, 0x17ff }, { 0x180e, 0x180e }, { 0x181a, 0x181f }, { 0x1879, 0x187f },
        { 0x18ab, 0x18af }, { 0x18f6, 0x18ff }, { 0x191f, 0x191f }, { 0x192c, 0x192f },
        { 0x193c, 0x193f }, { 0x1941, 0x1943 }, { 0x196e, 0x196f }, { 0x1975, 0x197f },
        { 0x19ac, 0x19af }, { 0x19ca, 0x19cf }, { 0x19db, 0x19dd }, { 0x1a1c, 0x1a1d },
        { 0x1a5f, 0x1a5f }, { 0x1a7d, 0x1a7e }, { 0x1a8a, 0x1a8f }, { 0x1a9a, 0x1a9f },
        { 0x1aae, 0x1aaf }, { 0x1acf, 0x1aff }, { 0x1b4d, 0x1b4f }, { 0x1b7f, 0x1b7f },
        { 0x1bf4, 0x1bfb }, { 0x1c38, 0x1c3a }, { 0x1c4a, 0x1c4c }, { 0x1c89, 0x1c8f },
        { 0x1cbb, 0x1cbc }, { 0x1cc8, 0x1ccf }, { 0x1cfb, 0x1cff }, { 0x1f16, 0x1f17 },
        { 0x1f1e, 0x1f1f }, { 0x1f46, 0x1f47 }, { 0x1f4e, 0x1f4f }, { 0x1f58, 0x1f58 },
        { 0x1f5a, 0x1f5a }, { 0x1f5c, 0x1f5c }, { 0x1f5e, 0x1f5e }, { 0x1f7e, 0x1f7f },
        { 0x1fb5, 0x1fb5 }, { 0x1fc5, 0x1fc5 }, { 0x1fd4, 0x1fd5 }, { 0x1fdc, 0x1fdc },
        { 0x1ff0, 0x1ff1 }, { 0x1ff5, 0x1ff5 }, { 0x1fff, 0x1fff }, { 0x200b, 0x200f },
        { 0x202a, 0x202e }, { 0x2060, 0x206f }, { 0x2072, 0x2073 }, { 0x208f, 0x208f },
        { 0x209d, 0x209f }, { 0x20c1, 0x20cf }, { 0x20f1, 0x20ff }, { 0x218c, 0x218f },
        { 0x2427, 0x243f }, { 0x244b, 0x245f }, { 0x2b74, 0x2b75 }, { 0x2b96, 0x2b96 },
        { 0x2cf4, 0x2cf8 }, { 0x2d26, 0x2d26 }, { 0x2d28, 0x2d2c }, { 0x2d2e, 0x2d2f },
        { 0x2d68, 0x2d6e }, { 0x2d71, 0x2d7e }, { 0x2d97, 0x2d9f }, { 0x2da7, 0x2da7 },
        { 0x2daf, 0x2daf }, { 0x2db7, 0x2db7 }, { 0x2dbf, 0x2dbf }, { 0x2dc7, 0x2dc7 },
        { 0x2dcf, 0x2dcf }, { 0x2dd7, 0x2dd7 }, { 0x2ddf, 0x2ddf }, { 0x2e5e, 0x2e7f },
        { 0x2e9a, 0x2e9a }, { 0x2ef4, 0x2eff }, { 0x2fd6, 0x2fef }, { 0x2ffc, 0x2fff },
        { 0x3040, 0x3040 }, { 0x3097, 0x3098 }, { 0x3100, 0x3104 }, { 0x3130, 0x3130 },
        { 0x318f, 0x318f }, { 0x31e4, 0x31ef }, { 0x321f, 0x321f }, { 0xa48d, 0xa48f },
        { 0xa4c7, 0xa4cf }, { 0xa62c, 0xa63f }, { 0xa6f8, 0xa6ff }, { 0xa7cb, 0xa7cf },
        { 0xa7d2, 0xa7d2 }, { 0xa7d4, 0xa7d4 }, { 0xa7da, 0xa7f1 }, { 0xa82d, 0xa82f },
        { 0xa83a, 0xa83f }, { 0xa878, 0xa87f }, { 0xa8c6, 0xa8cd }, { 0xa8da, 0xa8df },
        { 0xa954, 0xa95e }, { 0xa97d, 0xa97f }, { 0xa9ce, 0xa9ce }, { 0xa9da, 0xa9dd },
        { 0xa9ff, 0xa9ff }, { 0xaa37, 0xaa3f }, { 0xaa4e, 0xaa4f }, { 0xaa5a, 0xaa5b },
        { 0xaac3, 0xaada }, { 0xaaf7, 0xab00 }, { 0xab07, 0xab08 }, { 0xab0f, 0xab10 },
        { 0xab17, 0xab1f }, { 0xab27, 0xab27 }, { 0xab2f, 0xab2f }, { 0xab6c, 0xab6f },
        { 0xabee, 0xabef }, { 0xabfa, 0xabff }, { 0xd7a4, 0xd7af }, { 0xd7c7, 0xd7ca },
        { 0xd7fc, 0xdfff }, { 0xfa6e, 0xfa6f }, { 0xfada, 0xfaff }, { 0xfb07, 0xfb12 },
        { 0xfb18, 0xfb1c }, { 0xfb37, 0xfb37 }, { 0xfb3d, 0xfb3d }, { 0xfb3f, 0xfb3f },
        { 0xfb42, 0xfb42 }, { 0xfb45, 0xfb45 }, { 0xfbc3, 0xfbd2 }, { 0xfd90, 0xfd91 },
        { 0xfdc8, 0xfdce }, { 0xfdd0, 0xfdef }, { 0xfe1a, 0xfe1f }, { 0xfe53, 0xfe53 },
        { 0xfe67, 0xfe67 }, { 0xfe6c, 0xfe6f }, { 0xfe75, 0xfe75 }, { 0xfefd, 0xff00 },
        { 0xffbf, 0xffc1 }, { 0xffc8, 0xffc9 }, { 0xffd0, 0xffd1 }, { 0xffd8, 0xffd9 },
        { 0xffdd, 0xffdf }, { 0xffe7, 0xffe7 }, { 0xffef, 0xfffb }, { 0xfffe, 0xffff },
        { 0x1000c, 0x1000c }, { 0x10027, 0x10027 }, { 0x1003b, 0x1003b }, { 0x1003e, 0x1003e },
        { 0x1004e, 0x1004f }, { 0x1005e, 0x1007f }, { 0x100fb, 0x100ff }, { 0x10103, 0x10106 },
        { 0x10134, 0x10136 }, { 0x1018f, 0x1018f }, { 0x1019d, 0x1019f }, { 0x101a1, 0x101cf },
        { 0x101fe, 0x1027f }, { 0x1029d, 0x1029f }, { 0x102d1, 0x102df }, { 0x102fc, 0x102ff },
        { 0x10324, 0x1032c }, { 0x1034b, 0x1034f }, { 0x1037b, 0x1037f }, { 0x1039e, 0x1039e },
        { 0x103c4, 0x103c7 }, { 0x103d6, 0x103ff }, { 0x1049e, 0x1049f }, { 0x104aa, 0x104af },
        { 0x104d4, 0x104d7 }, { 0x104fc, 0x104ff }, { 0x10528, 0x1052f }, { 0x10564, 0x1056e },
        { 0x1057b, 0x1057b }, { 0x1058b, 0x1058b }, { 0x10593, 0x10593 }, { 0x10596, 0x10596 },
        { 0x105a2, 0x105a2 }, { 0x105b2, 0x105b2 }, { 0x105ba, 0x105ba }, { 0x105bd, 0x105ff },
        { 0x10737, 0x1073f }, { 0x10756, 0x1075f }, { 0x10768, 0x1077f }, { 0x10786, 0x10786 },
        { 0x107b1, 0x107b1 }, { 0x107bb, 0x107ff }, { 0x10806, 0x10807 }, { 0x10809, 0x10809 },
        { 0x10836, 0x10836 }, { 0x10839, 0x1083b }, { 0x1083d, 0x1083e }, { 0x10856, 0x10856 },
        { 0x1089f, 0x108a6 }, { 0x108b0, 0x108df }, { 0x108f3, 0x108f3 }, { 0x108f6, 0x108fa },
        { 0x1091c, 0x1091e }, { 0x1093a, 0x1093e }, { 0x10940, 0x1097f }, { 0x109b8, 0x109bb },
        { 0x109d0, 0x109d1 }, { 0x10a04, 0x10a04 }, { 0x10a07, 0x10a0b }, { 0x10a14, 0x10a14 },
        { 0x10a18, 0x10a18 }, { 0x10a36, 0x10a37 }, { 0x10a3b, 0x10a3e }, { 0x10a49, 0x10a4f },
        { 0x10a59, 0x10a5f }, { 0x10aa0, 0x10abf }, { 0x10ae7, 0x10aea }, { 0x10af7, 0x10aff },
        { 0x10b36, 0x10b38 }, { 0x10b56, 0x10b57 }, { 0x10b73, 0x10b77 }, { 0x10b92, 0x10b98 },
        { 0x10b9d, 0x10ba8 }, { 0x10bb0, 0x10bff }, { 0x10c49, 0x10c7f }, { 0x10cb3, 0x10cbf },
        { 0x10cf3, 0x10cf9 }, { 0x10d28, 0x10d2f }, { 0x10d3a, 0x10e5f }, { 0x10e7f, 0x10e7f },
        { 0x10eaa, 0x10eaa }, { 0x10eae, 0x10eaf }, { 0x10eb2, 0x10efc }, { 0x10f28, 0x10f2f },
        { 0x10f5a, 0x10f6f }, { 0x10f8a, 0x10faf }, { 0x10fcc, 0x10fdf }, { 0x10ff7, 0x10fff },
        { 0x1104e, 0x11051 }, { 0x11076, 0x1107e }, { 0x110bd, 0x110bd }, { 0x110c3, 0x110cf },
        { 0x110e9, 0x110ef }, { 0x110fa, 0x110ff }, { 0x11135, 0x11135 }, { 0x11148, 0x1114f },
        { 0x11177, 0x1117f }, { 0x111e0, 0x111e0 }, { 0x111f5, 0x111ff }, { 0x11212, 0x11212 },
        { 0x11242, 0x1127f }, { 0x11287, 0x11287 }, { 0x11289, 0x11289 }, { 0x1128e, 0x1128e },
        { 0x1129e, 0x1129e }, { 0x112aa, 0x112af }, { 0x112eb, 0x112ef }, { 0x112fa, 0x112ff },
        { 0x11304, 0x11304 }, { 0x1130d, 0x1130e }, { 0x11311, 0x11312 }, { 0x11329, 0x11329 },
        { 0x11331, 0x11331 }, { 0x11334, 0x11334 }, { 0x1133a, 0x1133a }, { 0x11345, 0x11346 },
        { 0x11349, 0x1134a }, { 0x1134e, 0x1134f }, { 0x11351, 0x11356 }, { 0x11358, 0x1135c },
        { 0x11364, 0x11365 }, { 0x1136d, 0x1136f }, { 0x11375, 0x113ff }, { 0x1145c, 0x1145c },
        { 0x11462, 0x1147f }, { 0x114c8, 0x114cf }, { 0x114da, 0x1157f }, { 0x115b6, 0x115b7 },
        { 0x115de, 0x115ff }, { 0x11645, 0x1164f }, { 0x1165a, 0x1165f }, { 0x1166d, 0x1167f },
        { 0x116ba, 0x116bf }, { 0x116ca, 0x116ff }, { 0x1171b, 0x1171c }, { 0x1172c, 0x1172f },
        { 0x11747, 0x117ff }, { 0x1183c, 0x1189f }, { 0x118f3, 0x118fe }, { 0x11907, 0x11908 },
        { 0x1190a, 0x1190b }, { 0x11914, 0x11914 }, { 0x11917, 0x11917 }, { 0x11936, 0x11936 },
        { 0x11939, 0x1193a }, { 0x11947, 0x1194f }, { 0x1195a, 0x1199f }, { 0x119a8, 0x119a9 },
        { 0x119d8, 0x119d9 }, { 0x119e5, 0x119ff }, { 0x11a48, 0x11a4f }, { 0x11aa3, 0x11aaf },
        { 0x11af9, 0x11aff }, { 0x11b0a, 0x11bff }, { 0x11c09, 0x11c09 }, { 0x11c37, 0x11c37 },
        { 0x11c46, 0x11c4f }, { 0x11c6d, 0x11c6f }, { 0x11c90, 0x11c91 }, { 0x11ca8, 0x11ca8 },
        { 0x11cb7, 0x11cff }, { 0x11d07, 0x11d07 }, { 0x11d0a, 0x11d0a }, { 0x11d37, 0x11d39 },
        { 0x11d3b, 0x11d3b }, { 0x11d3e, 0x11d3e }, { 0x11d48, 0x11d4f }, { 0x11d5a, 0x11d5f },
        { 0x11d66, 0x11d66 }, { 0x11d69, 0x11d69 }, { 0x11d8f, 0x11d8f }, { 0x11d92, 0x11d92 },
        { 0x11d99, 0x11d9f }, { 0x11daa, 0x11edf }, { 0x11ef9, 0x11eff }, { 0x11f11, 0x11f11 },
        { 0x11f3b, 0x11f3d }, { 0x11f5a, 0x11faf }, { 0x11fb1, 0x11fbf }, { 0x11ff2, 0x11ffe },
        { 0x1239a, 0x123ff }, { 0x1246f, 0x1246f }, { 0x12475, 0x1247f }, { 0x12544, 0x12f8f },
        { 0x12ff3, 0x12fff }, { 0x13430, 0x1343f }, { 0x13456, 0x143ff }, { 0x14647, 0x167ff },
        { 0x16a39, 0x16a3f }, { 0x16a5f, 0x16a5f }, { 0x16a6a, 0x16a6d }, { 0x16abf, 0x16abf },
        { 0x16aca, 0x16acf }, { 0x16aee, 0x16aef }, { 0x16af6, 0x16aff }, { 0x16b46, 0x16b4f },
        { 0x16b5a, 0x16b5a }, { 0x16b62, 0x16b62 }, { 0x16b78, 0x16b7c }, { 0x16b90, 0x16e3f },
        { 0x16e9b, 0x16eff }, { 0x16f4b, 0x16f4e }, { 0x16f88, 0x16f8e }, { 0x16fa0, 0x16fdf },
        { 0x16fe5, 0x16fef }, { 0x16ff2, 0x16fff }, { 0x187f8, 0x187ff }, { 0x18cd6, 0x18cff },
        { 0x18d09, 0x1afef }, { 0x1aff4, 0x1aff4 }, { 0x1affc, 0x1affc }, { 0x1afff, 0x1afff },
        { 0x1b123, 0x1b131 }, { 0x1b133, 0x1b14f }, { 0x1b153, 0x1b154 }, { 0x1b156, 0x1b163 },
        { 0x1b168, 0x1b16f }, { 0x1b2fc, 0x1bbff }, { 0x1bc6b, 0x1bc6f }, { 0x1bc7d, 0x1bc7f },
        { 0x1bc89, 0x1bc8f }, { 0x1bc9a, 0x1bc9b }, { 0x1bca0, 0x1ceff }, { 0x1cf2e, 0x1cf2f },
        { 0x1cf47, 0x1cf4f }, { 0x1cfc4, 0x1cfff }, { 0x1d0f6, 0x1d0ff }, { 0x1d127, 0x1d128 },
        { 0x1d173, 0x1d17a }, { 0x1d1eb, 0x1d1ff }, { 0x1d246, 0x1d2bf }, { 0x1d2d4, 0x1d2df },
        { 0x1d2f4, 0x1d2ff }, { 0x1d357, 0x1d35f }, { 0x1d379, 0x1d3ff }, { 0x1d455, 0x1d455 },
        { 0x1d49d, 0x1d49d }, { 0x1d4a0, 0x1d4a1 }, { 0x1d4a3, 0x1d4a4 }, { 0x1d4a7, 0x1d4a8 },
        { 0x1d4ad, 0x1d4ad }, { 0x1d4ba, 0x1d4ba }, { 0x1d4bc, 0x1d4bc }, { 0x1d4c4, 0x1d4c4 },
        { 0x1d506, 0x1d506 }, { 0x1d50b, 0x1d50c }, { 0x1d515, 0x1d515 }, { 0x1d51d, 0x1d51d },
        { 0x1d53a, 0x1d53a }, { 0x1d53f, 0x1d53f }, { 0x1d545, 0x1d545 }, { 0x1d547, 0x1d549 },
        { 0x1d551, 0x1d551 }, { 0x1d6a6, 0x1d6a7 }, { 0x1d7cc, 0x1d7cd }, { 0x1da8c, 0x1da9a },
        { 0x1daa0, 0x1daa0 }, { 0x1dab0, 0x1deff }, { 0x1df1f, 0x1df24 }, { 0x1df2b, 0x1dfff },
        { 0x1e007, 0x1e007 }, { 0x1e019, 0x1e01a }, { 0x1e022, 0x1e022 }, { 0x1e025, 0x1e025 },
        { 0x1e02b, 0x1e02f }, { 0x1e06e, 0x1e08e }, { 0x1e090, 0x1e0ff }, { 0x1e12d, 0x1e12f },
        { 0x1e13e, 0x1e13f }, { 0x1e14a, 0x1e14d }, { 0x1e150, 0x1e28f }, { 0x1e2af, 0x1e2bf },
        { 0x1e2fa, 0x1e2fe }, { 0x1e300, 0x1e4cf }, { 0x1e4fa, 0x1e7df }, { 0x1e7e7, 0x1e7e7 },
        { 0x1e7ec, 0x1e7ec }, { 0x1e7ef, 0x1e7ef }, { 0x1e7ff, 0x1e7ff }, { 0x1e8c5, 0x1e8c6 },
        { 0x1e8d7, 0x1e8ff }, { 0x1e94c, 0x1e94f }, { 0x1e95a, 0x1e95d }, { 0x1e960, 0x1ec70 },
        { 0x1ecb5, 0x1ed00 }, { 0x1ed3e, 0x1edff }, { 0x1ee04, 0x1ee04 }, { 0x1ee20, 0x1ee20 },
        { 0x1ee23, 0x1ee23 }, { 0x1ee25, 0x1ee26 }, { 0x1ee28, 0x1ee28 }, { 0x1ee33, 0x1ee33 },
        { 0x1ee38, 0x1ee38 }, { 0x1ee3a, 0x1ee3a }, { 0x1ee3c, 0x1ee41 }, { 0x1ee43, 0x1ee46 },
        { 0x1ee48, 0x1ee48 }, { 0x1ee4a, 0x1ee4a }, { 0x1ee4c, 0x1ee4c }, { 0x1ee50, 0x1ee50 },
        { 0x1ee53, 0x1ee53 }, { 0x1ee55, 0x1ee56 }, { 0x1ee58, 0x1ee58 }, { 0x1ee5a, 0x1ee5a },
        { 0x1ee5c, 0x1ee5c }, { 0x1ee5e, 0x1ee5e }, { 0x1ee60, 0x1ee60 }, { 0x1ee63, 0x1ee63 },
        { 0x1ee65, 0x1ee66 }, { 0x1ee6b, 0x1ee6b }, { 0x1ee73, 0x1ee73 }, { 0x1ee78, 0x1ee78 },
        { 0x1ee7d, 0x1ee7d }, { 0x1ee7f, 0x1ee7f }, { 0x1ee8a, 0x1ee8a }, { 0x1ee9c, 0x1eea0 },
        { 0x1eea4, 0x1eea4 }, { 0x1eeaa, 0x1eeaa }, { 0x1eebc, 0x1eeef }, { 0x1eef2, 0x1efff },
        { 0x1f02c, 0x1f02f }, { 0x1f094, 0x1f09f }, { 0x1f0af, 0x1f0b0 }, { 0x1f0c0, 0x1f0c0 },
        { 0x1f0d0, 0x1f0d0 }, { 0x1f0f6, 0x1f0ff }, { 0x1f1ae, 0x1f1e5 }, { 0x1f203, 0x1f20f },
        { 0x1f23c, 0x1f23f }, { 0x1f249, 0x1f24f }, { 0x1f252, 0x1f25f }, { 0x1f266, 0x1f2ff },
        { 0x1f6d8, 0x1f6db }, { 0x1f6ed, 0x1f6ef }, { 0x1f6fd, 0x1f6ff }, { 0x1f777, 0x1f77a },
        { 0x1f7da, 0x1f7df }, { 0x1f7ec, 0x1f7ef }, { 0x1f7f1, 0x1f7ff }, { 0x1f80c, 0x1f80f },
        { 0x1f848, 0x1f84f }, { 0x1f85a, 0x1f85f }, { 0x1f888, 0x1f88f }, { 0x1f8ae, 0x1f8af },
        { 0x1f8b2, 0x1f8ff }, { 0x1fa54, 0x1fa5f }, { 0x1fa6e, 0x1fa6f }, { 0x1fa7d, 0x1fa7f },
        { 0x1fa89, 0x1fa8f }, { 0x1fabe, 0x1fabe }, { 0x1fac6, 0x1facd }, { 0x1fadc, 0x1fadf },
        { 0x1fae9, 0x1faef }, { 0x1faf9, 0x1faff }, { 0x1fb93, 0x1fb93 }, { 0x1fbcb, 0x1fbef },
        { 0x1fbfa, 0x1ffff }, { 0x2a6e0, 0x2a6ff }, { 0x2b73a, 0x2b73f }, { 0x2b81e, 0x2b81f },
        { 0x2cea2, 0x2ceaf }, { 0x2ebe1, 0x2f7ff }, { 0x2fa1e, 0x2ffff }, { 0x3134b, 0x3134f },
        { 0x323b0, 0xe00ff }, { 0xe01f0, 0xeffff }, { 0xffffe, 0xfffff }, { 0x10fffe, 0x10ffff },
};

static bool unichar_printable(guint32 c) {
        gsize lo = 0, hi = G_N_ELEMENTS(unprintable);

        if (c < 0xa0)
                return c >= 0x20 && c < 0x7f;
        while (lo < hi) {
                gsize mid = (lo + hi) / 2;
                if (c < unprintable[mid].first)
                        hi = mid;
                else if (c > unprintable[mid].last)
                        lo = mid + 1;
                else
                        return false;
        }
        return true;
}

/* decodes one character of valid UTF-8 */
static guint32 utf8_next(const char **s) {
        const unsigned char *p = (const unsigned char *) *s;
        guint32 c;
        int n;

        if (p[0] < 0x80)
                n = 0, c = p[0];
        else if (p[0] < 0xe0)
                n = 1, c = p[0] & 0x1f;
        else if (p[0] < 0xf0)
                n = 2, c = p[0] & 0x0f;
        else
                n = 3, c = p[0] & 0x07;
        for (int i = 1; i <= n && p[i]; i++)
                c = (c << 6) | (p[i] & 0x3f);
        *s += n + 1;
        return c;
}

/* the letter of the C escape for a control character, or 0 */
static char control_letter(guint32 c) {
        switch (c) {
        case '\a':
                return 'a';
        case '\b':
                return 'b';
        case '\f':
                return 'f';
        case '\n':
                return 'n';
        case '\r':
                return 'r';
        case '\t':
                return 't';
        case '\v':
                return 'v';
        default:
                return 0;
        }
}

static void print_string(GString *b, const char *s) {
        char quote = strchr(s, '\'') ? '"' : '\'';

        g_string_append_c(b, quote);
        while (*s) {
                const char *start = s;
                guint32 c = utf8_next(&s);

                if (c == (guint32) quote || c == '\\')
                        g_string_append_c(b, '\\');
                if (unichar_printable(c)) {
                        g_string_append_len(b, start, (gsize) (s - start));
                        continue;
                }
                g_string_append_c(b, '\\');
                if (control_letter(c))
                        g_string_append_c(b, control_letter(c));
                else if (c < 0x10000)
                        g_string_append_printf(b, "u%04x", c);
                else
                        g_string_append_printf(b, "U%08x", c);
        }
        g_string_append_c(b, quote);
}

static void print_double(GString *b, double d) {
        locale_t old = uselocale(c_locale());
        char tmp[64];

        snprintf(tmp, sizeof tmp, "%.17g", d);
        uselocale(old);
        g_string_append(b, tmp);
        /* a double must not read back as an integer */
        if (!strpbrk(tmp, ".enN"))
                g_string_append(b, ".0");
}

/* "ay" whose only NUL is its last byte prints as b'...'; returns false otherwise */
static bool print_bytestring(GString *b, GVariant *v) {
        GVariantIter it;
        GVariant *c;
        gsize n = g_variant_iter_init(&it, v), i = 0;
        char *s;
        bool ok = true;

        if (n == 0)
                return false;
        s = g_malloc(n);
        while ((c = g_variant_iter_next_value(&it))) {
                s[i] = (char) g_variant_get_byte(c);
                if (s[i] == '\0' && i + 1 < n)
                        ok = false;
                i++;
                g_variant_unref(c);
        }
        if (s[n - 1] != '\0')
                ok = false;
        if (ok) {
                g_string_append(b, strchr(s, '\'') ? "b\"" : "b'");
                for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                        char l = *p == '\\' || *p == '"' ? (char) *p : *p == '\a' ? 0 : control_letter(*p);
                        if (l) {
                                g_string_append_c(b, '\\');
                                g_string_append_c(b, l);
                        } else if (*p < 0x20 || *p >= 0x7f)
                                g_string_append_printf(b, "\\%03o", *p);
                        else
                                g_string_append_c(b, (char) *p);
                }
                g_string_append_c(b, strchr(s, '\'') ? '"' : '\'');
        }
        g_free(s);
        return ok;
}

static void print_value(GString *b, GVariant *v, bool annotate);

static void print_array(GString *b, GVariant *v, bool annotate) {
        const char *t = g_variant_get_type_string(v);
        bool dict = t[1] == '{';
        GVariantIter it;
        GVariant *c;
        const char *sep = "";

        if (t[1] == 'y' && print_bytestring(b, v))
                return;
        if (g_variant_iter_init(&it, v) == 0) {
                if (annotate)
                        g_string_append_printf(b, "@%s ", t);
                g_string_append(b, dict ? "{}" : "[]");
                return;
        }
        g_string_append_c(b, dict ? '{' : '[');
        while ((c = g_variant_iter_next_value(&it))) {
                g_string_append(b, sep);
                sep = ", ";
                if (dict) {
                        GVariantIter e;
                        GVariant *k, *val;
                        g_variant_iter_init(&e, c);
                        k = g_variant_iter_next_value(&e);
                        val = g_variant_iter_next_value(&e);
                        print_value(b, k, annotate);
                        g_string_append(b, ": ");
                        print_value(b, val, annotate);
                        g_variant_unref(k);
                        g_variant_unref(val);
                } else
                        print_value(b, c, annotate);
                /* only the first element says the type */
                annotate = false;
                g_variant_unref(c);
        }
        g_string_append_c(b, dict ? '}' : ']');
}

static void print_children(GString *b, GVariant *v, bool annotate, const char *open, const char *close) {
        GVariantIter it;
        GVariant *c;
        gsize n = g_variant_iter_init(&it, v), i = 0;

        g_string_append(b, open);
        while ((c = g_variant_iter_next_value(&it))) {
                if (i++ > 0)
                        g_string_append(b, ", ");
                print_value(b, c, annotate);
                g_variant_unref(c);
        }
        /* one-element tuples keep their comma: (1,) */
        if (n == 1 && open[0] == '(')
                g_string_append_c(b, ',');
        g_string_append(b, close);
}

static void print_maybe(GString *b, GVariant *v, bool annotate) {
        GVariantIter it;
        GVariant *c;

        if (annotate)
                g_string_append_printf(b, "@%s ", g_variant_get_type_string(v));
        g_variant_iter_init(&it, v);
        c = g_variant_iter_next_value(&it);
        if (!c) {
                g_string_append(b, "nothing");
                return;
        }
        {
                /* "just" is needed only where a nested nothing would be ambiguous */
                GString *inner = g_string_new(NULL);
                print_value(inner, c, false);
                if (inner->len >= 7 && strcmp(inner->str + inner->len - 7, "nothing") == 0)
                        g_string_append(b, "just ");
                g_string_append(b, inner->str);
                g_string_free(inner, TRUE);
        }
        g_variant_unref(c);
}

static void print_value(GString *b, GVariant *v, bool annotate) {
        switch (g_variant_classify(v)) {
        case G_VARIANT_CLASS_MAYBE:
                print_maybe(b, v, annotate);
                break;
        case G_VARIANT_CLASS_ARRAY:
                print_array(b, v, annotate);
                break;
        case G_VARIANT_CLASS_TUPLE:
                print_children(b, v, annotate, "(", ")");
                break;
        case G_VARIANT_CLASS_DICT_ENTRY:
                print_children(b, v, annotate, "{", "}");
                break;
        case G_VARIANT_CLASS_VARIANT: {
                GVariant *c = g_variant_get_variant(v);
                /* the contents of a variant always say their type */
                g_string_append_c(b, '<');
                print_value(b, c, true);
                g_string_append_c(b, '>');
                g_variant_unref(c);
                break;
        }
        case G_VARIANT_CLASS_BOOLEAN:
                g_string_append(b, g_variant_get_boolean(v) ? "true" : "false");
                break;
        case G_VARIANT_CLASS_STRING:
                print_string(b, g_variant_get_string(v, NULL));
                break;
        case G_VARIANT_CLASS_OBJECT_PATH:
                g_string_append_printf(b, "%s'%s'", annotate ? "objectpath " : "", g_variant_get_string(v, NULL));
                break;
        case G_VARIANT_CLASS_SIGNATURE:
                g_string_append_printf(b, "%s'%s'", annotate ? "signature " : "", g_variant_get_string(v, NULL));
                break;
        case G_VARIANT_CLASS_BYTE:
                g_string_append_printf(b, "%s0x%02x", annotate ? "byte " : "", g_variant_get_byte(v));
                break;
        case G_VARIANT_CLASS_INT16:
                g_string_append_printf(b, "%s%d", annotate ? "int16 " : "", g_variant_get_int16(v));
                break;
        case G_VARIANT_CLASS_UINT16:
                g_string_append_printf(b, "%s%u", annotate ? "uint16 " : "", g_variant_get_uint16(v));
                break;
        case G_VARIANT_CLASS_INT32:
                g_string_append_printf(b, "%d", g_variant_get_int32(v));
                break;
        case G_VARIANT_CLASS_HANDLE: {
                /* handles are stored like int32 values; read through a tuple */
                gint32 h = 0;
                GVariantBuilder tb;
                GVariant *t;
                g_variant_builder_init(&tb, G_VARIANT_TYPE("(h)"));
                g_variant_builder_add_value(&tb, g_variant_ref(v));
                t = g_variant_ref_sink(g_variant_builder_end(&tb));
                {
                        GVariantIter it;
                        g_variant_iter_init(&it, t);
                        g_variant_iter_next(&it, "h", &h);
                }
                g_variant_unref(t);
                g_string_append_printf(b, "%s%d", annotate ? "handle " : "", h);
                break;
        }
        case G_VARIANT_CLASS_UINT32:
                g_string_append_printf(b, "%s%u", annotate ? "uint32 " : "", g_variant_get_uint32(v));
                break;
        case G_VARIANT_CLASS_INT64:
                g_string_append_printf(b, "%s%" G_GINT64_FORMAT, annotate ? "int64 " : "", g_variant_get_int64(v));
                break;
        case G_VARIANT_CLASS_UINT64:
                g_string_append_printf(b, "%s%" G_GUINT64_FORMAT, annotate ? "uint64 " : "", g_variant_get_uint64(v));
                break;
        case G_VARIANT_CLASS_DOUBLE:
                print_double(b, g_variant_get_double(v));
                break;
        }
}

gchar *g_variant_print(GVariant *value, gboolean type_annotate) {
        GString *b = g_string_new(NULL);
        print_value(b, value, type_annotate);
        return g_string_free(b, FALSE);
}

/* ---- parsing ----
 *
 * As in GLib, the text is first parsed into a tree of AST nodes without
 * types; then the tree is given the requested type, or inside <...> a type
 * inferred from "patterns": a type string that may also contain 'N' (some
 * number), 'S' (some string), '*' (anything) and 'M' (may be wrapped in a
 * maybe). Error messages start with the byte range they refer to, "A-B:". */

typedef enum {
        AST_ARRAY,
        AST_TUPLE,
        AST_DICT,
        AST_VARIANT,
        AST_MAYBE,
        AST_BOOLEAN,
        AST_NUMBER,
        AST_STRING,
        AST_BYTESTRING,
        AST_TYPEDECL,
} AstKind;

typedef struct Ast Ast;
struct Ast {
        AstKind kind;
        int start, end;
        Ast **children; /* dictionaries: key, value, key, value... */
        int n_children;
        int n;          /* dictionaries: entries, -1 for one dict entry {k, v} */
        char *text;     /* number token, decoded string, bytes, declared type */
        gsize len;
        bool b;
};

typedef struct {
        const char *start, *stream, *end;
        const char *this; /* the current token is [this, stream), NULL before prepare */
} Tokens;

static void ast_free(Ast *a) {
        if (!a)
                return;
        for (int i = 0; i < a->n_children; i++)
                ast_free(a->children[i]);
        g_free(a->children);
        g_free(a->text);
        g_free(a);
}

static void set_error_va(GError **error, int code, int start, int end, const Ast *other, const char *format, va_list ap) {
        GString *b;
        char *msg;

        if (!error)
                return;
        b = g_string_new(NULL);
        if (start == end)
                g_string_append_printf(b, "%d", start);
        else
                g_string_append_printf(b, "%d-%d", start, end);
        if (other)
                g_string_append_printf(b, ",%d-%d", other->start, other->end);
        g_string_append_c(b, ':');
        msg = g_strdup_vprintf(format, ap);
        g_string_append(b, msg);
        g_free(msg);
        gs_set_error(error, code, "%s", b->str);
        g_string_free(b, TRUE);
}

static void range_error(GError **error, int code, int start, int end, const char *format, ...) G_GNUC_PRINTF(5, 6);
static void range_error(GError **error, int code, int start, int end, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        set_error_va(error, code, start, end, NULL, format, ap);
        va_end(ap);
}

static void ast_error(const Ast *a, const Ast *other, GError **error, int code, const char *format, ...) G_GNUC_PRINTF(5, 6);
static void ast_error(const Ast *a, const Ast *other, GError **error, int code, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        set_error_va(error, code, a->start, a->end, other, format, ap);
        va_end(ap);
}

static GVariant *type_error(const Ast *a, const char *type, GError **error) {
        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_TYPE_ERROR, "can not parse as value of type '%.*s'", type_len(type), type);
        return NULL;
}

/* ---- tokens ---- */

/* end of a quoted token starting at p (the quote), or of the text */
static const char *quoted_end(const char *p, const char *end) {
        char quote = *p;

        for (p++; p != end; p++) {
                if (*p == quote || *p == '\0')
                        break;
                if (*p == '\\' && (++p == end || *p == '\0'))
                        break;
        }
        if (p != end && *p)
                p++;
        return p;
}

static bool tokens_prepare(Tokens *t) {
        const char *p, *e;
        int brackets = 0;

        if (t->this)
                return true;
        while (t->stream != t->end && ascii_space(*t->stream))
                t->stream++;
        p = t->stream;
        if (p == t->end || *p == '\0') {
                t->this = p;
                return false;
        }
        if (ascii_digit(*p) || *p == '-' || *p == '+' || *p == '.') {
                for (e = p; e != t->end; e++)
                        if (!ascii_alnum(*e) && *e != '-' && *e != '+' && *e != '.')
                                break;
        } else if (*p == 'b' && p + 1 != t->end && (p[1] == '\'' || p[1] == '"'))
                e = quoted_end(p + 1, t->end);
        else if (*p >= 'a' && *p <= 'z') {
                for (e = p; e != t->end; e++)
                        if (!ascii_alnum(*e))
                                break;
        } else if (*p == '\'' || *p == '"')
                e = quoted_end(p, t->end);
        else if (*p == '@' || *p == '%') {
                /* a type: up to a separator or an unmatched closing bracket */
                for (e = p + 1; e != t->end && *e && *e != ',' && *e != ':' && *e != '>' && *e != ']' && !ascii_space(*e); e++)
                        if (*e == '(' || *e == '{')
                                brackets++;
                        else if ((*e == ')' || *e == '}') && !brackets--)
                                break;
        } else
                e = p + 1;
        t->this = p;
        t->stream = e;
        return true;
}

static gsize tokens_len(Tokens *t) {
        return (gsize) (t->stream - t->this);
}

static void tokens_next(Tokens *t) {
        t->this = NULL;
}

static bool tokens_peek(Tokens *t, char c) {
        return tokens_prepare(t) && tokens_len(t) >= 1 && t->this[0] == c;
}

static bool tokens_peek2(Tokens *t, char c, char d) {
        return tokens_prepare(t) && tokens_len(t) >= 2 && t->this[0] == c && t->this[1] == d;
}

static bool tokens_is_keyword(Tokens *t) {
        return tokens_prepare(t) && tokens_len(t) >= 2 && ascii_alpha(t->this[0]) && ascii_alpha(t->this[1]);
}

static bool tokens_is_numeric(Tokens *t) {
        return tokens_prepare(t) && tokens_len(t) >= 1 &&
               (ascii_digit(t->this[0]) || t->this[0] == '-' || t->this[0] == '+' || t->this[0] == '.');
}

static bool tokens_peek_string(Tokens *t, const char *s) {
        gsize n = strlen(s);
        return tokens_prepare(t) && tokens_len(t) == n && memcmp(t->this, s, n) == 0;
}

static bool tokens_consume(Tokens *t, const char *s) {
        if (!tokens_peek_string(t, s))
                return false;
        tokens_next(t);
        return true;
}

static int tokens_pos(Tokens *t, const char *p) {
        return (int) (p - t->start);
}

static void tokens_error(Tokens *t, GError **error, bool whole_token, int code, const char *format, ...) G_GNUC_PRINTF(5, 6);
static void tokens_error(Tokens *t, GError **error, bool whole_token, int code, const char *format, ...) {
        int start = tokens_pos(t, t->this);
        va_list ap;

        va_start(ap, format);
        set_error_va(error, code, start, whole_token ? tokens_pos(t, t->stream) : start, NULL, format, ap);
        va_end(ap);
}

static bool tokens_require(Tokens *t, const char *token, const char *purpose, GError **error) {
        if (tokens_consume(t, token))
                return true;
        tokens_error(t, error, false, G_VARIANT_PARSE_ERROR_UNEXPECTED_TOKEN, "expected '%s'%s", token, purpose);
        return false;
}

static char *tokens_get(Tokens *t) {
        return g_strndup(t->this, tokens_len(t));
}

/* ---- parsing into the AST ---- */

static Ast *parse(Tokens *t, unsigned max_depth, GError **error);

static Ast *ast_new(AstKind kind) {
        Ast *a = g_new0(Ast, 1);
        a->kind = kind;
        return a;
}

static void ast_append(Ast *a, Ast *child) {
        a->children = g_renew(Ast *, a->children, a->n_children + 1);
        a->children[a->n_children++] = child;
}

static Ast *array_parse(Tokens *t, unsigned max_depth, GError **error) {
        Ast *a = ast_new(AST_ARRAY);
        bool need_comma = false;

        tokens_next(t); /* [ */
        while (!tokens_consume(t, "]")) {
                Ast *child;
                if (need_comma && !tokens_require(t, ",", " or ']' to follow array element", error))
                        goto fail;
                child = parse(t, max_depth - 1, error);
                if (!child)
                        goto fail;
                ast_append(a, child);
                a->n = a->n_children;
                need_comma = true;
        }
        return a;
fail:
        ast_free(a);
        return NULL;
}

static Ast *tuple_parse(Tokens *t, unsigned max_depth, GError **error) {
        Ast *a = ast_new(AST_TUPLE);
        bool need_comma = false, first = true;

        tokens_next(t); /* ( */
        while (!tokens_consume(t, ")")) {
                Ast *child;
                if (need_comma && !tokens_require(t, ",", " or ')' to follow tuple element", error))
                        goto fail;
                child = parse(t, max_depth - 1, error);
                if (!child)
                        goto fail;
                ast_append(a, child);
                a->n = a->n_children;
                /* a one-element tuple is written (x,) */
                if (first) {
                        if (!tokens_require(t, ",", " after first tuple element", error))
                                goto fail;
                        first = false;
                } else
                        need_comma = true;
        }
        return a;
fail:
        ast_free(a);
        return NULL;
}

static Ast *variant_parse(Tokens *t, unsigned max_depth, GError **error) {
        Ast *a = ast_new(AST_VARIANT), *child;

        tokens_next(t); /* < */
        child = parse(t, max_depth - 1, error);
        if (!child)
                goto fail;
        ast_append(a, child);
        a->n = 1;
        if (!tokens_require(t, ">", " to follow variant value", error))
                goto fail;
        return a;
fail:
        ast_free(a);
        return NULL;
}

/* parses one key or value into a dictionary being built */
static bool dict_add(Ast *d, Tokens *t, unsigned max_depth, GError **error) {
        Ast *child = parse(t, max_depth - 1, error);

        if (!child)
                return false;
        ast_append(d, child);
        return true;
}

static Ast *dictionary_parse(Tokens *t, unsigned max_depth, GError **error) {
        Ast *a = ast_new(AST_DICT);
        bool only_one;

        tokens_next(t); /* { */
        if (tokens_consume(t, "}"))
                return a;
        /* a->n counts complete entries; keys and values are appended in turn */
        if (!dict_add(a, t, max_depth, error))
                goto fail;
        only_one = tokens_consume(t, ",");
        if (!only_one && !tokens_require(t, ":", " or ',' to follow dictionary entry key", error))
                goto fail;
        if (!dict_add(a, t, max_depth, error))
                goto fail;
        a->n = 1;
        if (only_one) {
                if (!tokens_require(t, "}", " at end of dictionary entry", error))
                        goto fail;
                a->n = -1;
                return a;
        }
        while (!tokens_consume(t, "}")) {
                if (!tokens_require(t, ",", " or '}' to follow dictionary entry", error))
                        goto fail;
                if (!dict_add(a, t, max_depth, error))
                        goto fail;
                if (!tokens_require(t, ":", " to follow dictionary entry key", error) ||
                    !dict_add(a, t, max_depth, error))
                        goto fail;
                a->n++;
        }
        return a;
fail:
        ast_free(a);
        return NULL;
}

static Ast *number_parse(Tokens *t) {
        Ast *a = ast_new(AST_NUMBER);
        a->text = tokens_get(t);
        tokens_next(t);
        return a;
}

/* \uXXXX and \UXXXXXXXX; *i is at the 'u' */
static bool unicode_unescape(const char *token, int *i, GString *out, int length, int token_start, GError **error) {
        char digits[9];
        int n = 0;
        guint32 c = 0;

        (*i)++;
        while (n < length && ascii_xdigit(token[*i + n]))
                n++;
        if (n == length) {
                memcpy(digits, token + *i, (gsize) n);
                digits[n] = '\0';
                c = (guint32) strtoul(digits, NULL, 16);
        }
        if (c == 0) {
                range_error(error, G_VARIANT_PARSE_ERROR_INVALID_CHARACTER, token_start + *i, token_start + *i + n,
                            "invalid %d-character unicode escape", length);
                return false;
        }
        {
                /* UTF-8 encoding, as g_unichar_to_utf8 (values up to 0x7fffffff) */
                char u[6];
                int len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : c < 0x200000 ? 4 : c < 0x4000000 ? 5 : 6;
                static const unsigned char first[] = { 0, 0, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc };
                for (int k = len - 1; k > 0; k--) {
                        u[k] = (char) ((c & 0x3f) | 0x80);
                        c >>= 6;
                }
                u[0] = (char) (c | first[len]);
                g_string_append_len(out, u, (gsize) len);
        }
        *i += length;
        return true;
}

static Ast *string_parse(Tokens *t, GError **error) {
        int start = tokens_pos(t, t->this), end = tokens_pos(t, t->stream);
        char *token = tokens_get(t);
        char quote = token[0];
        GString *out = g_string_new(NULL);
        int i = 1;
        Ast *a;

        tokens_next(t);
        while (token[i] != quote) {
                char c = token[i];
                if (c == '\0')
                        goto unterminated;
                if (c != '\\') {
                        g_string_append_c(out, c);
                        i++;
                        continue;
                }
                c = token[++i];
                switch (c) {
                case '\0':
                        goto unterminated;
                case 'u':
                case 'U':
                        if (!unicode_unescape(token, &i, out, c == 'u' ? 4 : 8, start, error))
                                goto fail;
                        continue;
                case 'a':
                        c = '\a';
                        break;
                case 'b':
                        c = '\b';
                        break;
                case 'f':
                        c = '\f';
                        break;
                case 'n':
                        c = '\n';
                        break;
                case 'r':
                        c = '\r';
                        break;
                case 't':
                        c = '\t';
                        break;
                case 'v':
                        c = '\v';
                        break;
                default:
                        break;
                }
                g_string_append_c(out, c);
                i++;
        }
        g_free(token);
        a = ast_new(AST_STRING);
        a->len = out->len;
        a->text = g_string_free(out, FALSE);
        return a;
unterminated:
        range_error(error, G_VARIANT_PARSE_ERROR_UNTERMINATED_STRING_CONSTANT, start, end, "unterminated string constant");
fail:
        g_free(token);
        g_string_free(out, TRUE);
        return NULL;
}

static Ast *bytestring_parse(Tokens *t, GError **error) {
        int start = tokens_pos(t, t->this), end = tokens_pos(t, t->stream);
        char *token = tokens_get(t);
        char quote = token[1];
        GString *out = g_string_new(NULL);
        int i = 2;
        Ast *a;

        tokens_next(t);
        while (token[i] != quote) {
                char c = token[i];
                if (c == '\0')
                        goto unterminated;
                i++;
                if (c == '\\') {
                        c = token[i];
                        if (c == '\0')
                                goto unterminated;
                        if (c >= '0' && c <= '7') {
                                int v = 0;
                                for (int k = 0; k < 3 && token[i] >= '0' && token[i] <= '7'; k++)
                                        v = v * 8 + (token[i++] - '0');
                                c = (char) v;
                        } else {
                                char l = c == 'a' ? '\a' : c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n'
                                       : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'v' ? '\v' : c;
                                c = l;
                                i++;
                        }
                }
                g_string_append_c(out, c);
        }
        g_string_append_len(out, "", 1); /* the value includes the final NUL */
        g_free(token);
        a = ast_new(AST_BYTESTRING);
        a->len = out->len;
        a->text = g_string_free(out, FALSE);
        return a;
unterminated:
        range_error(error, G_VARIANT_PARSE_ERROR_UNTERMINATED_STRING_CONSTANT, start, end, "unterminated string constant");
        g_free(token);
        g_string_free(out, TRUE);
        return NULL;
}

static Ast *maybe_parse(Tokens *t, unsigned max_depth, GError **error) {
        Ast *a, *child = NULL;

        if (tokens_consume(t, "just")) {
                child = parse(t, max_depth - 1, error);
                if (!child)
                        return NULL;
        } else if (!tokens_consume(t, "nothing")) {
                tokens_error(t, error, true, G_VARIANT_PARSE_ERROR_UNKNOWN_KEYWORD, "unknown keyword");
                return NULL;
        }
        a = ast_new(AST_MAYBE);
        if (child) {
                ast_append(a, child);
                a->n = 1;
        }
        return a;
}

static const char *const keyword_types[][2] = {
        { "boolean", "b" }, { "byte", "y" },   { "int16", "n" },      { "uint16", "q" },    { "int32", "i" },
        { "handle", "h" },  { "uint32", "u" }, { "int64", "x" },      { "uint64", "t" },    { "double", "d" },
        { "string", "s" },  { "objectpath", "o" }, { "signature", "g" },
};

static Ast *typedecl_parse(Tokens *t, unsigned max_depth, GError **error) {
        char *type = NULL;
        Ast *a, *child;

        if (tokens_peek(t, '@')) {
                char *token = tokens_get(t);
                if (!g_variant_type_string_is_valid(token + 1)) {
                        tokens_error(t, error, true, G_VARIANT_PARSE_ERROR_INVALID_TYPE_STRING, "invalid type declaration");
                        g_free(token);
                        return NULL;
                }
                if (strpbrk(token + 1, "*?r")) {
                        tokens_error(t, error, true, G_VARIANT_PARSE_ERROR_DEFINITE_TYPE_EXPECTED,
                                     "type declarations must be definite");
                        g_free(token);
                        return NULL;
                }
                tokens_next(t);
                type = g_strdup(token + 1);
                g_free(token);
        } else {
                for (gsize i = 0; i < G_N_ELEMENTS(keyword_types) && !type; i++)
                        if (tokens_consume(t, keyword_types[i][0]))
                                type = g_strdup(keyword_types[i][1]);
                if (!type) {
                        tokens_error(t, error, true, G_VARIANT_PARSE_ERROR_UNKNOWN_KEYWORD, "unknown keyword");
                        return NULL;
                }
        }
        child = parse(t, max_depth - 1, error);
        if (!child) {
                g_free(type);
                return NULL;
        }
        a = ast_new(AST_TYPEDECL);
        a->text = type;
        ast_append(a, child);
        a->n = 1;
        return a;
}

static Ast *parse(Tokens *t, unsigned max_depth, GError **error) {
        int start;
        Ast *a;

        if (max_depth == 0) {
                tokens_error(t, error, false, G_VARIANT_PARSE_ERROR_RECURSION, "variant nested too deeply");
                return NULL;
        }
        tokens_prepare(t);
        start = tokens_pos(t, t->this);
        if (tokens_peek(t, '['))
                a = array_parse(t, max_depth, error);
        else if (tokens_peek(t, '('))
                a = tuple_parse(t, max_depth, error);
        else if (tokens_peek(t, '<'))
                a = variant_parse(t, max_depth, error);
        else if (tokens_peek(t, '{'))
                a = dictionary_parse(t, max_depth, error);
        else if (tokens_consume(t, "true") || tokens_consume(t, "false")) {
                a = ast_new(AST_BOOLEAN);
                a->b = t->start[start] == 't';
        } else if (tokens_is_numeric(t) || tokens_peek_string(t, "inf") || tokens_peek_string(t, "nan"))
                a = number_parse(t);
        else if (tokens_peek(t, 'n') || tokens_peek(t, 'j'))
                a = maybe_parse(t, max_depth, error);
        else if (tokens_peek(t, '@') || tokens_is_keyword(t))
                a = typedecl_parse(t, max_depth, error);
        else if (tokens_peek(t, '\'') || tokens_peek(t, '"'))
                a = string_parse(t, error);
        else if (tokens_peek2(t, 'b', '\'') || tokens_peek2(t, 'b', '"'))
                a = bytestring_parse(t, error);
        else {
                tokens_error(t, error, false, G_VARIANT_PARSE_ERROR_VALUE_EXPECTED, "expected value");
                return NULL;
        }
        if (a) {
                a->start = start;
                a->end = tokens_pos(t, t->stream);
        }
        return a;
}

/* ---- patterns ---- */

static char *ast_pattern(Ast *a, GError **error);

/* copies one complete type (with its M and a prefixes) from *in to *out */
static void pattern_copy(char **out, const char **in) {
        int depth = 0;

        while (**in == 'a' || **in == 'm' || **in == 'M')
                *(*out)++ = *(*in)++;
        do {
                if (**in == '(' || **in == '{')
                        depth++;
                else if (**in == ')' || **in == '}')
                        depth--;
                *(*out)++ = *(*in)++;
        } while (depth > 0);
}

/* one step of unifying two different pattern characters, *one first */
static bool coalesce_step(const char **one, const char **other, char **out) {
        char a = **one, b = **other;

        if (a == '*' && b != ')') {
                pattern_copy(out, other);
                (*one)++;
        } else if (a == 'M' && b == 'm')
                *(*out)++ = *(*other)++;
        else if (a == 'M' && b != '*')
                (*one)++; /* the other side is not a maybe: drop the option */
        else if ((a == 'N' && b && strchr("ynqiuxthd", b)) || (a == 'S' && b && strchr("sog", b))) {
                *(*out)++ = *(*other)++;
                (*one)++;
        } else
                return false;
        return true;
}

/* the most general pattern matching both, or NULL */
static char *pattern_coalesce(const char *left, const char *right) {
        char *result = g_malloc(strlen(left) + strlen(right) + 1), *out = result;

        while (*left && *right) {
                if (*left == *right) {
                        *out++ = *left++;
                        right++;
                } else if (!coalesce_step(&left, &right, &out) && !coalesce_step(&right, &left, &out))
                        break;
        }
        if (*left || *right) {
                g_free(result);
                return NULL;
        }
        *out = '\0';
        return result;
}

/* the pattern common to n nodes found every 'stride' pointers */
static char *array_pattern(Ast **items, int n, int stride, GError **error) {
        char *pattern = ast_pattern(items[0], error);

        for (int i = 1; pattern && i < n; i++) {
                char *p = ast_pattern(items[i * stride], error), *merged;
                if (!p) {
                        g_free(pattern);
                        return NULL;
                }
                merged = pattern_coalesce(pattern, p);
                g_free(pattern);
                pattern = merged;
                if (!merged) {
                        /* report the first earlier item that conflicts with this one */
                        const Ast *culprit = NULL;
                        for (int j = 0; j < i && !culprit; j++) {
                                char *q = ast_pattern(items[j * stride], NULL), *m = pattern_coalesce(p, q);
                                if (!m)
                                        culprit = items[j * stride];
                                g_free(q);
                                g_free(m);
                        }
                        if (culprit)
                                ast_error(culprit, items[i * stride], error, G_VARIANT_PARSE_ERROR_NO_COMMON_TYPE,
                                          "unable to find a common type");
                        else
                                ast_error(items[i * stride], NULL, error, G_VARIANT_PARSE_ERROR_NO_COMMON_TYPE,
                                          "unable to find a common type");
                }
                g_free(p);
        }
        return pattern;
}

static char *dict_pattern(Ast *a, GError **error) {
        int n = abs(a->n);
        char *keys, *values, *r;
        char key;

        if (n == 0)
                return g_strdup("Ma{**}");
        keys = array_pattern(a->children, n, 2, error);
        if (!keys)
                return NULL;
        key = keys[0] == 'M' ? keys[1] : keys[0];
        g_free(keys);
        /* basic types, or a number or string of undecided type */
        if (!key || !strchr("bynqiuxthdsogNS", key)) {
                ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_BASIC_TYPE_EXPECTED, "dictionary keys must have basic types");
                return NULL;
        }
        values = array_pattern(a->children + 1, n, 2, error);
        if (!values)
                return NULL;
        r = g_strdup_printf("M%s{%c%s}", a->n > 0 ? "a" : "", key, values);
        g_free(values);
        return r;
}

static char *number_pattern(const char *token) {
        bool hex = strncmp(token, "0x", 2) == 0;

        if (strchr(token, '.') || (!hex && strchr(token, 'e')) || strstr(token, "inf") || strstr(token, "nan"))
                return g_strdup("Md");
        return g_strdup("MN");
}

static char *ast_pattern(Ast *a, GError **error) {
        GString *b;
        char *p, *r;

        switch (a->kind) {
        case AST_ARRAY:
                if (a->n == 0)
                        return g_strdup("Ma*");
                p = array_pattern(a->children, a->n, 1, error);
                if (!p)
                        return NULL;
                r = g_strdup_printf("Ma%s", p);
                g_free(p);
                return r;
        case AST_TUPLE:
                b = g_string_new("M(");
                for (int i = 0; i < a->n; i++) {
                        p = ast_pattern(a->children[i], error);
                        if (!p) {
                                g_string_free(b, TRUE);
                                return NULL;
                        }
                        g_string_append(b, p);
                        g_free(p);
                }
                g_string_append_c(b, ')');
                return g_string_free(b, FALSE);
        case AST_DICT:
                return dict_pattern(a, error);
        case AST_VARIANT:
                return g_strdup("Mv");
        case AST_MAYBE:
                if (a->n == 0)
                        return g_strdup("m*");
                p = ast_pattern(a->children[0], error);
                if (!p)
                        return NULL;
                r = g_strdup_printf("m%s", p);
                g_free(p);
                return r;
        case AST_BOOLEAN:
                return g_strdup("Mb");
        case AST_NUMBER:
                return number_pattern(a->text);
        case AST_STRING:
                return g_strdup("MS");
        case AST_BYTESTRING:
                return g_strdup("May");
        case AST_TYPEDECL:
                return g_strdup(a->text);
        }
        return NULL;
}

/* ---- values ---- */

static GVariant *ast_value(Ast *a, const char *type, GError **error);

static GVariant *ast_resolve(Ast *a, GError **error) {
        char *pattern = ast_pattern(a, error), *out;
        GVariant *v;

        if (!pattern)
                return NULL;
        /* defaults: no maybe where optional, strings 's', numbers 'i' */
        out = pattern;
        for (const char *p = pattern; *p; p++) {
                if (*p == '*') {
                        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_CANNOT_INFER_TYPE, "unable to infer type");
                        g_free(pattern);
                        return NULL;
                }
                if (*p != 'M')
                        *out++ = *p == 'S' ? 's' : *p == 'N' ? 'i' : *p;
        }
        *out = '\0';
        v = ast_value(a, pattern, error);
        g_free(pattern);
        return v;
}

static GVariant *number_overflow(Ast *a, const char *type, GError **error) {
        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_NUMBER_OUT_OF_RANGE, "number out of range for type '%c'", type[0]);
        return NULL;
}

static GVariant *number_value(Ast *a, const char *type, GError **error) {
        const char *token = a->text;
        char *end;
        bool negative;
        guint64 abs_val, limit;

        if (type[0] == 'd') {
                locale_t old = uselocale(c_locale());
                double d;
                errno = 0;
                d = strtod(token, &end);
                uselocale(old);
                if (*end) {
                        int pos = a->start + (int) (end - token);
                        range_error(error, G_VARIANT_PARSE_ERROR_INVALID_CHARACTER, pos, pos + 1, "invalid character in number");
                        return NULL;
                }
                /* as GLib: overflow and underflow to a denormal; not to zero */
                if (errno == ERANGE && d != 0.0) {
                        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_NUMBER_TOO_BIG, "number too big for any type");
                        return NULL;
                }
                return g_variant_new_double(d);
        }
        negative = token[0] == '-';
        errno = 0;
        abs_val = strtoull(token + negative, &end, 0);
        if (*end) {
                int pos = a->start + (int) (end - token);
                range_error(error, G_VARIANT_PARSE_ERROR_INVALID_CHARACTER, pos, pos + 1, "invalid character in number");
                return NULL;
        }
        if (abs_val == G_MAXUINT64 && errno == ERANGE) {
                ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_NUMBER_TOO_BIG, "integer too big for any type");
                return NULL;
        }
        switch (type[0]) {
        case 'y':
        case 'q':
        case 'u':
        case 't':
                limit = type[0] == 'y' ? G_MAXUINT8 : type[0] == 'q' ? G_MAXUINT16 : type[0] == 'u' ? G_MAXUINT32 : G_MAXUINT64;
                if (negative || abs_val > limit)
                        return number_overflow(a, type, error);
                return type[0] == 'y' ? g_variant_new_byte((guint8) abs_val)
                     : type[0] == 'q' ? g_variant_new_uint16((guint16) abs_val)
                     : type[0] == 'u' ? g_variant_new_uint32((guint32) abs_val)
                                      : g_variant_new_uint64(abs_val);
        case 'n':
        case 'i':
        case 'x': {
                gint64 v;
                limit = type[0] == 'n' ? G_MAXINT16 : type[0] == 'x' ? G_MAXINT64 : G_MAXINT32;
                /* negative values may go one further */
                if (abs_val > limit + (negative ? 1 : 0))
                        return number_overflow(a, type, error);
                v = negative ? (gint64) (0 - abs_val) : (gint64) abs_val;
                if (type[0] == 'n')
                        return g_variant_new_int16((gint16) v);
                if (type[0] == 'x')
                        return g_variant_new_int64(v);
                if (type[0] == 'i')
                        return g_variant_new_int32((gint32) v);
                /* handles ('h') are not read: roostd never has them */
                return type_error(a, type, error);
        }
        default:
                return type_error(a, type, error);
        }
}

static GVariant *string_value(Ast *a, const char *type, GError **error) {
        GVariant *v;

        switch (type[0]) {
        case 's':
                v = g_variant_new_string(a->text);
                if (!v)
                        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_INVALID_CHARACTER, "invalid UTF-8 in string");
                return v;
        case 'o':
                v = g_variant_new_object_path(a->text);
                if (!v)
                        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_INVALID_OBJECT_PATH, "not a valid object path");
                return v;
        case 'g':
                v = g_variant_new_signature(a->text);
                if (!v)
                        ast_error(a, NULL, error, G_VARIANT_PARSE_ERROR_INVALID_SIGNATURE, "not a valid signature");
                return v;
        default:
                return type_error(a, type, error);
        }
}

/* adds the value of node a as type to the builder; false on error */
static bool add_child(GVariantBuilder *b, Ast *a, const char *type, GError **error) {
        GVariant *v = ast_value(a, type, error);

        if (!v) {
                g_variant_builder_clear(b);
                return false;
        }
        g_variant_builder_add_value(b, v);
        return true;
}

static GVariant *dict_value(Ast *a, const char *type, GError **error) {
        GVariantBuilder b;

        if (a->n < 0) {
                if (type[0] != '{')
                        return type_error(a, type, error);
                g_variant_builder_init(&b, (const GVariantType *) type);
                if (!add_child(&b, a->children[0], type + 1, error) ||
                    !add_child(&b, a->children[1], type_end(type + 1), error))
                        return NULL;
                return g_variant_builder_end(&b);
        }
        if (type[0] != 'a' || type[1] != '{')
                return type_error(a, type, error);
        g_variant_builder_init(&b, (const GVariantType *) type);
        for (int i = 0; i < a->n; i++) {
                GVariantBuilder e;
                g_variant_builder_init(&e, (const GVariantType *) (type + 1));
                if (!add_child(&e, a->children[2 * i], type + 2, error) ||
                    !add_child(&e, a->children[2 * i + 1], type_end(type + 2), error)) {
                        g_variant_builder_clear(&b);
                        return NULL;
                }
                g_variant_builder_add_value(&b, g_variant_builder_end(&e));
        }
        return g_variant_builder_end(&b);
}

static GVariant *tuple_value(Ast *a, const char *type, GError **error) {
        GVariantBuilder b;
        const char *m = type + 1;

        if (type[0] != '(')
                return type_error(a, type, error);
        g_variant_builder_init(&b, (const GVariantType *) type);
        for (int i = 0; i < a->n; i++, m = type_end(m)) {
                if (*m == ')') {
                        g_variant_builder_clear(&b);
                        return type_error(a, type, error);
                }
                if (!add_child(&b, a->children[i], m, error))
                        return NULL;
        }
        if (*m != ')') {
                g_variant_builder_clear(&b);
                return type_error(a, type, error);
        }
        return g_variant_builder_end(&b);
}

/* the value of a node that is not a maybe, for a type that is not one */
static GVariant *base_value(Ast *a, const char *type, GError **error) {
        GVariantBuilder b;

        switch (a->kind) {
        case AST_ARRAY:
                if (type[0] != 'a')
                        return type_error(a, type, error);
                g_variant_builder_init(&b, (const GVariantType *) type);
                for (int i = 0; i < a->n; i++)
                        if (!add_child(&b, a->children[i], type + 1, error))
                                return NULL;
                return g_variant_builder_end(&b);
        case AST_TUPLE:
                return tuple_value(a, type, error);
        case AST_DICT:
                return dict_value(a, type, error);
        case AST_VARIANT: {
                GVariant *child;
                if (type[0] != 'v')
                        return type_error(a, type, error);
                child = ast_resolve(a->children[0], error);
                return child ? g_variant_new_variant(child) : NULL;
        }
        case AST_BOOLEAN:
                if (type[0] != 'b')
                        return type_error(a, type, error);
                return g_variant_new_boolean(a->b);
        case AST_NUMBER:
                return number_value(a, type, error);
        case AST_STRING:
                return string_value(a, type, error);
        case AST_BYTESTRING:
                if (type[0] != 'a' || type[1] != 'y')
                        return type_error(a, type, error);
                g_variant_builder_init(&b, G_VARIANT_TYPE("ay"));
                for (gsize i = 0; i < a->len; i++)
                        g_variant_builder_add_value(&b, g_variant_new_byte((guint8) a->text[i]));
                return g_variant_builder_end(&b);
        default:
                return NULL;
        }
}

static GVariant *ast_value(Ast *a, const char *type, GError **error) {
        GVariantBuilder b;
        GVariant *v;
        int depth = 0;

        if (a->kind == AST_TYPEDECL)
                return ast_value(a->children[0], type, error);
        if (a->kind == AST_MAYBE) {
                if (type[0] != 'm')
                        return type_error(a, type, error);
                g_variant_builder_init(&b, (const GVariantType *) type);
                if (a->n > 0 && !add_child(&b, a->children[0], type + 1, error))
                        return NULL;
                return g_variant_builder_end(&b);
        }
        /* other values become "just" values when a maybe type is asked for */
        while (type[depth] == 'm')
                depth++;
        v = base_value(a, type + depth, error);
        while (v && depth-- > 0) {
                g_variant_builder_init(&b, (const GVariantType *) (type + depth));
                g_variant_builder_add_value(&b, v);
                v = g_variant_builder_end(&b);
        }
        return v;
}

/* returns a floating reference */
static GVariant *parse_text(const char *type, const char *text, const char *limit, const char **endptr, GError **error) {
        Tokens t = { .start = text, .stream = text, .end = limit ? limit : text + strlen(text) };
        GVariant *v;
        Ast *a;

        a = parse(&t, 128, error);
        if (!a)
                return NULL;
        v = type ? ast_value(a, type, error) : ast_resolve(a, error);
        ast_free(a);
        if (!v)
                return NULL;
        if (endptr) {
                *endptr = t.stream;
                return v;
        }
        while (t.stream != t.end && ascii_space(*t.stream))
                t.stream++;
        if (t.stream != t.end && *t.stream) {
                int pos = tokens_pos(&t, t.stream);
                range_error(error, G_VARIANT_PARSE_ERROR_INPUT_NOT_AT_END, pos, pos, "expected end of input");
                g_variant_unref(g_variant_ref_sink(v));
                return NULL;
        }
        return v;
}

GVariant *g_variant_parse(const GVariantType *type, const gchar *text, const gchar *limit, const gchar **endptr,
                          GError **error) {
        GVariant *v = parse_text((const char *) type, text, limit, endptr, error);

        /* unlike g_variant_new_parsed(), the result is not floating */
        return v ? g_variant_ref_sink(v) : NULL;
}

GVariant *g_variant_new_parsed(const gchar *format, ...) {
        GError *error = NULL;
        GVariant *v = parse_text(NULL, format, NULL, NULL, &error);

        /* as in GLib, text that does not parse is a programming error */
        if (!v) {
                fprintf(stderr, "g_variant_new_parsed: %s\n", error->message);
                abort();
        }
        return v;
}
