/*
 * A Ryuk-like reaper for tests (testcontainers' protocol): listen on TCP 8080, print "Started",
 * read "label=key=value" lines from one client and answer "ACK" to each; when the client goes
 * away, remove every container (force, with volumes) and network carrying one of those labels,
 * through the Engine API on /var/run/docker.sock. Built statically so a busybox image can run it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FILTERS 16

static char filters[MAX_FILTERS][512];
static int nfilters;

/* One HTTP/1.0 request over the docker socket; the whole response into buf. */
static int api(const char *method, const char *path, char *buf, size_t cap) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, "/var/run/docker.sock");
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return -1;
  char req[1024];
  int n = snprintf(req, sizeof req, "%s %s HTTP/1.0\r\nHost: docker\r\n\r\n", method, path);
  if (write(fd, req, n) != n) return close(fd), -1;
  size_t got = 0;
  ssize_t r;
  while (got + 1 < cap && (r = read(fd, buf + got, cap - 1 - got)) > 0) got += r;
  buf[got] = 0;
  close(fd);
  return (int)got;
}

/* URL-encode {"label":["<filter>"]}. */
static void filter_query(const char *label, char *out, size_t cap) {
  char json[300];
  snprintf(json, sizeof json, "{\"label\":[\"%s\"]}", label);
  size_t o = 0;
  for (const char *p = json; *p && o + 4 < cap; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) out[o++] = *p;
    else o += snprintf(out + o, cap - o, "%%%02X", (unsigned char)*p);
  }
  out[o] = 0;
}

/* Remove every object of a kind listed under `list` whose "Id" appears in the answer, except ourselves. */
static void reap(const char *list, const char *remove_fmt, const char *label, const char *self) {
  static char buf[1 << 20];
  char q[900], path[1200];
  filter_query(label, q, sizeof q);
  snprintf(path, sizeof path, list, q);
  if (api("GET", path, buf, sizeof buf) < 0) return;
  for (char *p = buf; (p = strstr(p, "\"Id\":\"")); ) {
    p += 6;
    char id[80] = {0};
    size_t i = 0;
    while (p[i] && p[i] != '"' && i < sizeof id - 1) id[i] = p[i], i++;
    if (self[0] && strncmp(id, self, strlen(self)) == 0) continue;
    char out[256];
    snprintf(path, sizeof path, remove_fmt, id);
    api("DELETE", path, out, sizeof out);
    printf("removed %s\n", id);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char self[64] = {0};
  gethostname(self, sizeof self - 1);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(8080), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 4) < 0) return perror("listen"), 1;
  printf("Started\n");
  int c = accept(ls, NULL, NULL);
  if (c < 0) return perror("accept"), 1;
  char line[512];
  size_t len = 0;
  char ch;
  while (read(c, &ch, 1) == 1) {
    if (ch == '\n') {
      while (len && line[len - 1] == '\r') len--;
      line[len] = 0;
      if (strncmp(line, "label=", 6) == 0 && nfilters < MAX_FILTERS) {
        snprintf(filters[nfilters++], sizeof filters[0], "%s", line + 6);
        if (write(c, "ACK\n", 4) != 4) break;
      }
      len = 0;
    } else if (len < sizeof line - 1) {
      line[len++] = ch;
    }
  }
  close(c);
  printf("client gone, reaping %d filter(s)\n", nfilters);
  for (int i = 0; i < nfilters; i++) {
    reap("/containers/json?all=1&filters=%s", "/containers/%s?force=1&v=1", filters[i], self);
    reap("/networks?filters=%s", "/networks/%s", filters[i], "");
  }
  printf("done\n");
  return 0;
}
