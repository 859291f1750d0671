# Every third-party dependency is found here, from Debian's packages (bookworm
# versions as the floor).
find_package(PkgConfig REQUIRED)
# Debian's cpp-httplib is a compiled library whose .pc Cflags define
# CPPHTTPLIB_OPENSSL_SUPPORT etc.; class layouts depend on them, so always
# link through PkgConfig::HTTPLIB, never a bare -lcpp-httplib.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# libzip's CMake config needs its tool packages installed; pkg-config does not.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip>=1.7)
# The go command's repository patterns need linear-time matching (Go's regexp).
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)

find_package(CURL 7.85 REQUIRED) # CURLOPT_PROTOCOLS_STR
find_package(SQLite3 3.35 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB 1.2 REQUIRED) # inflating zip entries as they stream (gomod/zip_reader)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate) # small entries in one piece, CRC-32
find_package(Threads REQUIRED)
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(tomlplusplus 3.3 CONFIG REQUIRED)
find_package(nlohmann_json 3.10 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
if(GPX_TESTS)
  find_package(doctest 2.4 CONFIG REQUIRED)
endif()
