# The built-in demo: exported data of each cloud and a config naming them.
EXTRA_DIST += \
	examples/README \
	examples/dormant.conf \
	examples/aws/credential-report.csv \
	examples/aws/authorization-details.json \
	examples/aws/EXPECTED \
	examples/azure/users.json \
	examples/azure/directory-roles.json \
	examples/azure/EXPECTED \
	examples/gcp/users.json \
	examples/gcp/EXPECTED
