#pragma once

// What curl_api and git2_api share: opening a system library at run time
// rather than at exec (see curl_api.hpp for why). git2_api also keeps what
// it loaded for the rest of the process (load_once); curl_api unloads
// libcurl when idle.

#include <gomod/format.hpp>
#include <gomod/result.hpp>

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace gpx::agent {

// dlopen(soname) with lazy binding (symbols are resolved as they are
// called, not all at once on the first request's path), or an error that
// names the package to install.
inline Result<void*>
open_library(const char* soname, std::string_view package)
{
  void* lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return Error::internal(format("cannot load {} ({}): install {}",
                                  soname,
                                  why != nullptr ? why : "unknown reason",
                                  package));
  }
  return lib;
}

// The function named name in lib into fn; false when lib has none.
template<typename F>
bool
bind_symbol(void* lib, F& fn, const char* name)
{
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

// load() once per process, its result kept and never destroyed: threads
// and atexit handlers may still call in while static objects are torn
// down.
template<typename Api>
Result<const Api*>
load_once(Result<Api> (*load)())
{
  static std::once_flag once;
  static Result<Api>* api = nullptr;
  std::call_once(once, [load] { api = new Result<Api>(load()); });
  if (!*api) {
    return api->error();
  }
  return &**api;
}

// What a successful load gave, for code that runs only once it has (a
// transfer is under way, the library itself is calling back); a failed one
// ends the process, naming what to install.
template<typename Api>
const Api&
loaded_or_exit(const Result<const Api*>& api)
{
  if (!api) {
    std::fprintf(stderr, "gpx: %s\n", api.error().message.c_str());
    std::abort();
  }
  return **api;
}

} // namespace gpx::agent
