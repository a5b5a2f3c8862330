"""The commit of stackwise's last release: tests/test_update.py renders a project with this
repository's template at that commit, and updates it to HEAD. A commit on main, so a clean clone
of the repository holds it; change it here when a release is made."""

# 177e918 "README: the clean-clone CI time": the template before the layout of issue 13.
LAST_RELEASE = "177e918add32e4c28ac1800aefb2b6b7742b7051"
