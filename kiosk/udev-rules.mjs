// Prints udev rules for every USB device in capbu's built-in catalogue, so the kiosk's user (group
// capbu) and a field laptop's logged-in user (uaccess) can open the tokens pcscd does not hold.
//   node kiosk/udev-rules.mjs   (after npm run build)
import { DEVICES } from '../dist/token/catalogue.js';

const lines = ['# Written by capbu kiosk/install.sh from its device catalogue; removed by kiosk/uninstall.sh.'];
for (const d of DEVICES) {
  const product = d.productId === '*' ? '' : `, ATTR{idProduct}=="${d.productId}"`;
  lines.push(`# ${d.vendor} ${d.model} (${d.usbClass}): ${d.source}`);
  lines.push(`ACTION=="add|change", SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="${d.vendorId}"${product}, MODE="0660", GROUP="capbu", TAG+="uaccess"`);
}
process.stdout.write(`${lines.join('\n')}\n`);
