// The translation unit that builds the precompiled headers the other targets reuse (cmake/precompiled_headers.cmake).
