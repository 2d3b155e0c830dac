// The core's FileSystem over vscode.workspace.fs, so remote and virtual workspaces work too.
import * as vscode from 'vscode';
import type { EntryKind, FileSystem } from '../core/fs';

export const vscodeFileSystem: FileSystem = {
  readFile: async (path) => vscode.workspace.fs.readFile(vscode.Uri.file(path)),
  stat: async (path) => ({ size: (await vscode.workspace.fs.stat(vscode.Uri.file(path))).size }),
  async readDirectory(path) {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(path));
    // As the core's contract says: symlinked folders are skipped (loops), symlinked files read.
    return entries.flatMap(([name, type]): Array<[string, EntryKind]> =>
      type & vscode.FileType.Directory
        ? type & vscode.FileType.SymbolicLink
          ? []
          : [[name, 'directory']]
        : type & vscode.FileType.File
          ? [[name, 'file']]
          : [],
    );
  },
};
