/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

/* roost-shim: one per container. It runs the OCI runtime, holds the
 * container's stdio, writes its logs and records its exit status. Built out
 * in the containers issue; for now it answers --version. */
int main(int argc, char *argv[]) {
        if (argc == 2 && strcmp(argv[1], "--version") == 0) {
                printf("roost-shim version %s\n", ROOST_VERSION);
                return 0;
        }
        fprintf(stderr, "roost-shim: started by roostd, not by hand (roost-shim --version).\n");
        return 2;
}
