/* socket-import: imports a WASI-looking function that preview1 does not define
 * (wasi_snapshot_preview1.sock_open); it must be refused, naming the import. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_open"))) int sock_open(int, int, int);
int main(void) { return sock_open(1, 2, 3); }
