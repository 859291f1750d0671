#include "git2_api.hpp"

#include "shared_library.hpp"

#include <gomod/format.hpp>

namespace gpx::agent {

namespace {

#define GPX_STR2(x) #x
#define GPX_STR(x) GPX_STR2(x)
// libgit2's soname carries its major and minor version: the ABI of the
// headers gpx was built with.
constexpr const char* k_soname =
  "libgit2.so." GPX_STR(LIBGIT2_VER_MAJOR) "." GPX_STR(LIBGIT2_VER_MINOR);

Result<Git2Api>
load()
{
  auto lib =
    open_library(k_soname,
                 format("libgit2 {}.{} (apt-get install libgit2-{}.{})",
                        LIBGIT2_VER_MAJOR,
                        LIBGIT2_VER_MINOR,
                        LIBGIT2_VER_MAJOR,
                        LIBGIT2_VER_MINOR));
  if (!lib) {
    return lib.error();
  }
  Git2Api a{};
  const char* missing = nullptr;
#define GPX_GIT2_BIND(name)                                                    \
  if (!bind_symbol(*lib, a.name, #name) && missing == nullptr) {               \
    missing = #name;                                                           \
  }
  GPX_LIBGIT2_FUNCTIONS(GPX_GIT2_BIND)
#undef GPX_GIT2_BIND
  if (missing != nullptr) {
    return Error::internal(format("{} has no {}", k_soname, missing));
  }
  if (a.git_libgit2_init() < 0) {
    return Error::internal(format("{}: git_libgit2_init failed", k_soname));
  }
  return a;
}

} // namespace

Result<const Git2Api*>
git2_api()
{
  return load_once(load);
}

const Git2Api&
lg2()
{
  return loaded_or_exit(git2_api());
}

} // namespace gpx::agent
