/* SPDX-License-Identifier: Apache-2.0 */
/* cli/template.c: --format templates as docker users write them */
#include <glib.h>

#include "template.h"

static const char *const INSPECT =
        "{\"Id\":\"abc\",\"Name\":\"/web\",\"State\":{\"Status\":\"running\",\"Running\":true,\"ExitCode\":0},"
        "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"app\":\"web\",\"tier\":\"front\"},\"Cmd\":null},"
        "\"NetworkSettings\":{\"Networks\":{\"roost\":{\"IPAddress\":\"10.88.0.2\"},\"back\":{\"IPAddress\":\"10.89.0.3\"}},"
        "\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"18080\"}]}},\"Size\":1.5,\"Mounts\":[]}";

static char *expand(const char *tmpl, char **ret_error) {
        g_autoptr(json_t) v = rjson_parse(INSPECT, -1, NULL);
        g_assert_nonnull(v);
        return cli_template_expand(tmpl, v, ret_error);
}

static void check(const char *tmpl, const char *want) {
        g_autofree char *error = NULL;
        g_autofree char *got = expand(tmpl, &error);
        g_assert_no_errno(error ? -1 : 0);
        if (!got)
                g_error("%s: %s", tmpl, error);
        g_assert_cmpstr(got, ==, want);
}

static void check_error(const char *tmpl, const char *want) {
        g_autofree char *error = NULL;
        g_autofree char *got = expand(tmpl, &error);
        g_assert_null(got);
        g_assert_cmpstr(error, ==, want);
}

static void test_fields(void) {
        check("{{.Id}}", "abc");
        check("{{ .State.Status }} {{.State.Running}} {{.State.ExitCode}}", "running true 0");
        check("{{.Config.Env}}", "[A=1 B=2]");
        check("{{.Config.Labels.app}}", "web");
        check("{{json .Config.Labels}}", "{\"app\":\"web\",\"tier\":\"front\"}");
        check("{{json .Config.Cmd}}", "null");
        check("{{.Size}}", "1.5");
        check("id={{.Id}}\\tname={{.Name}}\\n", "id=abc\tname=/web\n");
        check_error("{{.Nope}}", "template: can't evaluate field Nope");
        check_error("{{.State.Nope}}", "template: can't evaluate field Nope");
        check_error("{{.Id", "template: unclosed action (missing \"}}\")");
}

static void test_range_and_if(void) {
        /* the usual way to a container's addresses; map keys in order, as Go */
        check("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.89.0.3 10.88.0.2 ");
        check("{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}};{{end}}",
              "back=10.89.0.3;roost=10.88.0.2;");
        check("{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}", "0:A=1 1:B=2 ");
        check("{{range .Mounts}}x{{else}}no mounts{{end}}", "no mounts");
        check("{{range .Config.Env}}{{$.Id}} {{end}}", "abc abc ");
        check("{{if .State.Running}}up{{else}}down{{end}}", "up");
        check("{{if eq .State.Status \"exited\"}}gone{{else}}{{.State.Status}}{{end}}", "running");
        check("{{if not .Mounts}}none{{end}}", "none");
        check("{{if and .State.Running (eq .Name \"/web\")}}both{{end}}", "both");
        check("{{- range .Config.Env }}\n  {{ . }}\n{{- end }}", "\n  A=1\n  B=2");
        check_error("{{range .Id}}x{{end}}", "template: range can't iterate over a string");
        check_error("{{if .Id}}x", "template: unexpected end of template: {{if}} has no {{end}}");
        check_error("{{end}}", "template: unexpected {{end}}");
}

static void test_functions(void) {
        check("{{index .Config.Labels \"tier\"}}", "front");
        check("{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}", "18080");
        check("{{index .Config.Env 1}}", "B=2");
        check("{{len .Config.Env}} {{len .Config.Labels}} {{len .Id}}", "2 2 3");
        check("{{join .Config.Env \",\"}}", "A=1,B=2");
        check("{{upper .State.Status}} {{.State.Status | upper}}", "RUNNING RUNNING");
        check("{{printf \"%-8s|%5s|\" .Id .State.ExitCode}}", "abc     |    0|");
        check("{{.Id | printf \"<%s>\"}}", "<abc>");
        check("{{index (split \"a:b\" \":\") 1}}", "b");
        check("{{json (index .Config.Labels \"app\")}}", "\"web\"");
        check_error("{{index .Config.Env 5}}", "template: error calling index: index out of range: 5");
        check_error("{{bogus .Id}}",
                    "template: function \"bogus\" not defined, or not with 1 argument (roost knows json, index, len, join, "
                    "split, upper, lower, title, printf, eq, ne, not, and, or)");
        check_error("{{with .Id}}x{{end}}", "template: {{with}} is not supported: use if, range, and functions");
        check_error("{{.Id .Name}}", "template: can't give an argument to a non-function");
        check_error("{{$x}}", "template: undefined variable \"$x\"");
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/template/fields", test_fields);
        g_test_add_func("/template/range-and-if", test_range_and_if);
        g_test_add_func("/template/functions", test_functions);
        return g_test_run();
}
