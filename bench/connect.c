/* The reference for tcpping's measurement fidelity: a raw blocking connect() to a loopback
 * listener, timed with CLOCK_MONOTONIC around the call alone, N times. Prints one elapsed
 * time per line, in microseconds. Usage: connect HOST PORT N */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s HOST PORT N\n", argv[0]); return 2; }
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) { fprintf(stderr, "bad host\n"); return 2; }
    int n = atoi(argv[3]);
    for (int i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
        clock_gettime(CLOCK_MONOTONIC, &b);
        close(fd);
        if (rc != 0) { perror("connect"); return 1; }
        printf("%.3f\n", (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3);
    }
    return 0;
}
