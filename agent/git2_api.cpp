#include "git2_api.hpp"

#include <gomod/format.hpp>

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

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
  void* lib = dlopen(k_soname, RTLD_LAZY | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return Error::internal(
      format("cannot load {} ({}): install libgit2 {}.{} (apt-get install "
             "libgit2-{}.{})",
             k_soname,
             why != nullptr ? why : "unknown reason",
             LIBGIT2_VER_MAJOR,
             LIBGIT2_VER_MINOR,
             LIBGIT2_VER_MAJOR,
             LIBGIT2_VER_MINOR));
  }
  Git2Api a{};
  const char* missing = nullptr;
#define GPX_GIT2_BIND(name)                                                    \
  a.name = reinterpret_cast<decltype(a.name)>(dlsym(lib, #name));              \
  if (a.name == nullptr && missing == nullptr) {                               \
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
  // Never destroyed: the upstream loop's thread and atexit handlers may
  // still call in while static objects are torn down.
  static std::once_flag once;
  static Result<Git2Api>* api = nullptr;
  std::call_once(once, [] { api = new Result<Git2Api>(load()); });
  if (!*api) {
    return api->error();
  }
  return &**api;
}

const Git2Api&
lg2()
{
  auto api = git2_api();
  if (!api) {
    std::fprintf(stderr, "gpx: %s\n", api.error().message.c_str());
    std::abort();
  }
  return **api;
}

} // namespace gpx::agent
