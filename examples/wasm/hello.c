/* A WASI command: its arguments, an environment variable, the files of
   the directory it was given as "/", and stdin's lines counted.

     clang --target=wasm32-wasi -O2 -o hello.wasm hello.c
     echo -e 'a\nb' | corojs --dir .::/ --env GREETING=hi hello.wasm one two

   (Debian 12: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *greeting = getenv("GREETING");
    char line[4096];
    int lines = 0;
    DIR *d;

    printf("%s from %s, with %d arguments\n", greeting ? greeting : "hello", argv[0], argc - 1);
    for (int i = 1; i < argc; i++)
        printf("  argument %d: %s\n", i, argv[i]);
    /* opened after the printfs: their isatty check would overwrite errno */
    d = opendir("/");
    if (d) {
        struct dirent *e;
        printf("in /:");
        while ((e = readdir(d)))
            printf(" %s", e->d_name);
        printf("\n");
        closedir(d);
    } else {
        perror("opendir /");
    }
    while (fgets(line, sizeof line, stdin))
        lines++;
    printf("%d lines on stdin\n", lines);
    return 0;
}
