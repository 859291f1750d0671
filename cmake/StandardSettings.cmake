# Flags travel on INTERFACE targets (as in ccache's cmake/StandardSettings.cmake)
# so that every library gets the same warnings without touching global state.
add_library(gpx_settings INTERFACE)
target_compile_features(gpx_settings INTERFACE cxx_std_20)
target_include_directories(gpx_settings INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(gpx_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wnull-dereference -Wextra-semi
  $<$<CXX_COMPILER_ID:GNU>:-Wlogical-op>)
if(GPX_WERROR)
  target_compile_options(gpx_settings INTERFACE -Werror)
endif()
target_compile_definitions(gpx_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>
  GPX_VERSION="${PROJECT_VERSION}")

if(GPX_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GPX_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ (cmake --preset fuzz)")
endif()
if(GPX_SANITIZE OR GPX_FUZZ)
  # Applied globally so that every object, including test mains, is instrumented.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(GPX_FUZZ)
  # Coverage hooks in every object, libraries first: libFuzzer steers by the
  # edges of the parsers, which live in the libraries, not in the harnesses.
  # The fuzz targets alone add -fsanitize=fuzzer (libFuzzer's main).
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
