#!/usr/bin/env python3
"""Each stage may include only the stages its library links (PUBLIC or
PRIVATE, transitively), as its CMakeLists.txt says: the layering the
top-level CMakeLists.txt claims, checked. One include from a stage it does
not link fails the check with the file and line.

Usage: check_layers.py SOURCE_DIR
"""
import os
import re
import sys

LIB = re.compile(r'add_(?:library|executable)\(\s*(pgsleuth\w*)')
LINK = re.compile(r'target_link_libraries\(\s*(pgsleuth\w*)([^)]*)\)', re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([a-z_]+/)?')


def main(root):
    # Library of each source folder; proxy/wire is a library of its own.
    folder_lib, deps = {}, {}
    for entry in sorted(os.listdir(root)):
        cml = os.path.join(root, entry, 'CMakeLists.txt')
        if entry in ('tests', 'fuzz', 'bench') or not os.path.isfile(cml):
            continue
        text = open(cml).read()
        libs = LIB.findall(text)
        if libs:
            folder_lib[entry] = libs[-1]  # proxy/: pgsleuth_wire, then pgsleuth_proxy
        for lib, rest in LINK.findall(text):
            deps.setdefault(lib, set()).update(re.findall(r'pgsleuth_\w+', rest))
    folder_lib['proxy/wire'] = 'pgsleuth_wire'

    def closure(lib):
        seen, todo = set(), [lib]
        while todo:
            for d in deps.get(todo.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        return seen | {lib}

    bad = []
    for folder, lib in folder_lib.items():
        allowed = closure(lib)
        for dirpath, dirnames, files in os.walk(os.path.join(root, folder)):
            rel_dir = os.path.relpath(dirpath, root)
            if folder == 'proxy' and rel_dir.startswith('proxy/wire'):
                continue  # checked as its own library
            for name in files:
                if not name.endswith(('.hpp', '.cpp')):
                    continue
                path = os.path.join(dirpath, name)
                for number, line in enumerate(open(path, errors='replace'), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1) + ('/wire' if m.group(1) == 'proxy' and m.group(2) == 'wire/' else '')
                    want = folder_lib.get(target)
                    if want and want not in allowed:
                        bad.append(f'{os.path.relpath(path, root)}:{number}: {lib} includes {target}/ '
                                   f'but does not link {want}')
    for line in bad:
        print(line)
    if bad:
        print(f'check_layers: {len(bad)} include(s) from a stage the library does not link')
        return 1
    print(f'check_layers: {len(folder_lib)} libraries, every include from a linked stage')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
