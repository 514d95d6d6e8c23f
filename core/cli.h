/* dormant: the command line (SPEC section 4). */
#ifndef DORMANT_CLI_H
#define DORMANT_CLI_H

/* Runs dormant with argv and returns the exit status of SPEC section 8. */
int dormant_cli_main(int argc, char **argv);

#endif /* DORMANT_CLI_H */
