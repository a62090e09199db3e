/* forbidden-import: imports a host function that no sandbox provides (env.host_time); it must be
 * refused before it runs, naming the import. */
__attribute__((import_module("env"), import_name("host_time"))) long long host_time(void);
int main(void) { return (int)host_time(); }
