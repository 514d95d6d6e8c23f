# Builds the Okta provider out of the source tree, against an installed
# dormant, as any outside provider is built:
#   make -f sdk.mk            (okta.so; then dormant plugins --plugin-dir .)
CFLAGS = -std=c11 -O2 -Wall -Wextra
OKTA_VERSION = `pkg-config --modversion dormant-plugin`
SRCS = okta.c users.c admins.c link.c live.c api.c oauth.c pace.c
okta.so: $(SRCS)
	$(CC) $(CFLAGS) -DOKTA_VERSION=\"$(OKTA_VERSION)\" -pthread -shared -fPIC -o $@ $(SRCS) $(LDFLAGS) `pkg-config --cflags --libs dormant-plugin`
