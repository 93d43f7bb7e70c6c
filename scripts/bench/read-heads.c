/* Reference for the cold-cache validate benchmark (scripts/bench/validate.sh): reads the first 4 KiB
 * of every file named on stdin (one path a line), WIDTH reads in flight, and prints the wall time in
 * seconds and the number of files. Each read is open + fstat + pread(4096) + close, as the validator's
 * probe does, with no per-file work beyond that: the floor a validator with WIDTH probes in flight can reach.
 *
 * Usage: read-heads WIDTH < paths        (built by validate.sh: cc -O2 -pthread read-heads.c)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char **paths;
static size_t count, next;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *reader(void *unused) {
    (void)unused;
    char buffer[4096];
    for (;;) {
        pthread_mutex_lock(&lock);
        size_t index = next++;
        pthread_mutex_unlock(&lock);
        if (index >= count) return NULL;
        int fd = open(paths[index], O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat info;
        if (fstat(fd, &info) == 0) (void)pread(fd, buffer, sizeof buffer, 0);
        close(fd);
    }
}

int main(int argc, char **argv) {
    int width = argc > 1 ? atoi(argv[1]) : 64;
    if (width < 1) width = 1;
    size_t capacity = 1 << 16;
    paths = malloc(capacity * sizeof *paths);
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, stdin)) > 0) {
        if (line[length - 1] == '\n') line[length - 1] = 0;
        if (count == capacity) paths = realloc(paths, (capacity *= 2) * sizeof *paths);
        paths[count++] = strdup(line);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t *threads = malloc(width * sizeof *threads);
    for (int i = 0; i < width; i++) pthread_create(&threads[i], NULL, reader, NULL);
    for (int i = 0; i < width; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.2f %zu\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9, count);
    return 0;
}
