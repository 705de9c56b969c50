// Fail early, with a clear message, when Node is too old for the build (@rspack/core 2.x: ^20.19.0 || >=22.12.0).
const [major, minor] = process.versions.node.split('.').map(Number);
const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;
if (!ok) {
  console.error(
    `wallaroo-widgets: the JupyterLab extension build needs Node.js ^20.19.0 or >=22.12.0; ` +
      `this is Node ${process.versions.node}. Install a newer Node (e.g. apt-get install nodejs from ` +
      `NodeSource, or nvm install 22) and run make install again.`
  );
  process.exit(1);
}
