# From the source tree: build the command and put it on the PATH.
swift build -c release --product tlshello
export PATH="$PWD/.build/release:$PATH"

# Or install the Debian package (make deb) and run it from anywhere:
#   sudo dpkg -i .build/deb/tlshello_*.deb
