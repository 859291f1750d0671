#include "heap.hpp"

#include <cstdlib> // defines __GLIBC__ on glibc

#ifdef __GLIBC__
#  include <malloc.h>
#endif

namespace gpx::agent {

void
tune_heap()
{
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, 1);
#endif
}

void
give_back_heap()
{
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

} // namespace gpx::agent
