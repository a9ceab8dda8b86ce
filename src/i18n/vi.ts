import type { UsageProblem } from '../errors.js';
import type { Catalog } from './catalog.js';
import { list, render, sentence, type Vars } from './message.js';
import { kioskVi } from './kiosk-vi.js';
import { configErrorsVi, configTextVi } from './config-vi.js';
import { dashboardVi } from './dashboard-vi.js';

const PLACEHOLDERS: Record<string, string> = {
  LABEL: 'NHÃN',
  FILE: 'TỆP',
  URL: 'URL',
  NAME: 'TÊN',
  CODE: 'MÃ',
  DB: 'CSDL',
  KEY: 'KHÓA',
  HOST_PORT: 'MÁY:CỔNG',
  ADDRESSES: 'ĐỊA_CHỈ',
  SECONDS: 'GIÂY',
  N: 'SỐ',
  ID: 'MÃ_MÁY_QUẦY',
  PROVINCE: 'MÃ_TỈNH',
  CHANNEL: 'KÊNH',
  HOURS: 'GIỜ',
  DIR: 'THƯ_MỤC',
  PATH: 'ĐƯỜNG_DẪN',
  TIME: 'THỜI_ĐIỂM',
  LANG: 'vi|en',
  VARIABLE: 'TÊN_BIẾN',
  PER_MINUTE: 'SỐ_MỖI_PHÚT',
  SETTING: 'MỤC',
  VALUE: 'GIÁ_TRỊ',
  ROLE: 'kiosk|report',
  SERIAL: 'SỐ_SÊ_RI',
  TEXT: 'LÝ_DO',
};

const placeholder = (arg: unknown) => PLACEHOLDERS[String(arg)] ?? String(arg);

/** What is wrong with the campaign file, by the field's name as the file spells it. */
const CAMPAIGN_PROBLEMS: Record<string, string> = {
  'not-json': 'không phải JSON',
  'not-object': 'không phải một đối tượng JSON',
  missing: 'bị thiếu',
  'not-a-date': 'không phải ngày dạng yyyy-mm-dd',
  'unknown-time-zone': 'không phải múi giờ đã biết, ví dụ "Asia/Ho_Chi_Minh"',
  empty: 'không có chiến dịch nào',
};
const campaignProblem = (v: Vars) => {
  const problem = CAMPAIGN_PROBLEMS[String(v.problem)] ?? `"${v.problem ?? ''}"`;
  return v.field && v.field !== '-' ? `trường "${v.field}" ${problem}` : problem;
};

const REGISTRY_PROBLEMS: Record<string, string> = {
  csv: 'không đọc được dạng CSV',
  header: 'dòng tiêu đề phải là serial,taxCode,contractEnd,status[,province]',
  columns: 'sai số cột',
  serial: 'số sê-ri không phải số hexa',
  taxCode: 'thiếu mã số thuế',
  contractEnd: 'ngày kết thúc hợp đồng không phải dạng yyyy-mm-dd',
  status: 'trạng thái phải là active, revoked hoặc suspended',
};

const ORDER_PROBLEMS: Record<string, string> = {
  csv: 'không đọc được dạng CSV',
  header: 'dòng tiêu đề phải là "serial,orderId,paidUntil[,paidAt]"',
  columns: 'sai số cột',
  serial: 'số sê-ri không phải số hexa',
  orderId: 'mã đơn hàng trống hoặc có ký tự không hợp lệ',
  paidUntil: 'ngày hết hạn gia hạn không phải dạng yyyy-mm-dd',
  paidAt: 'thời điểm thanh toán không phải dạng ISO 8601 có múi giờ',
  duplicate: 'số sê-ri đã có đơn hàng ở dòng trước',
};

const OVERRIDE_PROBLEMS: Record<string, string> = {
  form: 'không đúng dạng mã phê duyệt',
  signature: 'chữ ký không hợp lệ (mã bị sửa hoặc không do hệ thống trung tâm cấp)',
  campaign: 'dành cho chiến dịch khác',
  serial: 'dành cho chứng thư số khác',
  'no-key': 'máy quầy chưa được cài khóa phê duyệt (mục "overrideKey" trong settings.json)',
};

/** A file's bad lines: `12:columns` → "dòng 12: sai số cột". */
const badLines = (problems: Record<string, string>) => (lines: unknown) =>
  (Array.isArray(lines) ? lines : [])
    .map((entry) => {
      const [line, problem = ''] = String(entry).split(':');
      const earlier = /^duplicate-of-line-(\d+)$/.exec(problem)?.[1];
      const words = earlier ? `trùng số sê-ri với dòng ${earlier}` : (problems[problem] ?? `"${problem}"`);
      return `dòng ${line}: ${words}`;
    })
    .join('; ');
const registryLines = badLines(REGISTRY_PROBLEMS);
// The orders file's problems, and the registry's words for any other a line may carry.
const orderLines = badLines({ ...REGISTRY_PROBLEMS, ...ORDER_PROBLEMS });

/** One sentence for the tries left, whichever way the count is known. */
const triesLeft = (v: Vars) => {
  if (v.finalTry || v.remaining === 1) return 'còn 1 lần thử: nhập sai lần nữa USB token sẽ bị khóa';
  if (typeof v.remaining === 'number') return `còn ${v.remaining} lần thử trước khi USB token bị khóa`;
  return v.countLow ? 'chỉ còn ít lần thử' : 'hãy hỏi lại khách hàng trước khi thử lần nữa';
};

/** The settings file's checker names the faulty key in backquotes; that name is what to fix. */
const settingsProblem = (problem: unknown) => {
  const key = /`([^`]+)`/.exec(String(problem ?? ''))?.[1];
  return key ? `mục "${key}" sai` : 'không đọc được JSON';
};

const CA_KEY_PROBLEMS: Record<string, string> = {
  'not an unencrypted PEM private key': 'không phải khóa bí mật PEM không mã hóa',
  'unsupported key type': 'loại khóa không được hỗ trợ',
  'several keys match': 'có nhiều khóa cùng khớp',
};
const caKeyProblem = (problem: unknown) =>
  problem === undefined ? '' : ` (${CA_KEY_PROBLEMS[String(problem)] ?? 'không đọc được khóa'})`;


const usage: Catalog['usage'] = {
  unknownCommand: (v) => `không có lệnh "${v.name}"${v.suggestion ? `; có phải là "capbu ${v.suggestion}"?` : ''}`,
  unknownSubcommand: (v) =>
    `"capbu ${v.command}" không có lệnh con "${v.name}"${v.suggestion ? `; có phải là "capbu ${v.command} ${v.suggestion}"?` : `; các lệnh con: ${list(v.choices)}`}`,
  missingSubcommand: (v) => `"capbu ${v.command}" cần một lệnh con: ${list(v.choices)}`,
  unknownOption: (v) => `không có tùy chọn ${v.option}${v.suggestion ? `; có phải là ${v.suggestion}?` : ''}`,
  missingValue: (v) => `tùy chọn ${v.option} cần một giá trị${v.arg ? ` (${placeholder(v.arg)})` : ''}`,
  noValueExpected: (v) => `tùy chọn ${v.option} không nhận giá trị`,
  unexpectedArgument: (v) => `thừa tham số "${v.value}"`,
  missingArgument: (v) => `thiếu ${placeholder(v.arg)}`,
  required: (v) => `cần có ${v.option}${v.arg ? ` ${placeholder(v.arg)}` : ''}`,
  wholeNumber: (v) => `${v.option} phải là số nguyên từ ${v.min} trở lên, không phải "${v.value}"`,
  positiveNumber: (v) => `${v.option} phải là số lớn hơn 0, không phải "${v.value}"`,
  kioskId: (v) => `--id chỉ gồm chữ cái, chữ số, "-" và "_" (tối đa 64 ký tự), không phải "${v.value}"`,
  channel: (v) =>
    `--channel là counter (quầy giao dịch), field (lưu động) hoặc self (khách hàng tự thực hiện), không phải "${v.value}"`,
  listen: (v) => `--listen có dạng MÁY:CỔNG, ví dụ 127.0.0.1:8080, không phải "${v.value}"`,
  serial: (v) => `--serial là số sê-ri của chứng thư số, dạng số hexa, không phải "${v.value}"`,
  role: (v) => `--role là kiosk (cấp bù và đồng bộ) hoặc report (chỉ đọc báo cáo), không phải "${v.value}"`,
  language: (v) => `capbu không có ngôn ngữ --lang "${v.value}"; dùng một trong: ${list(v.languages)}`,
  serverUrl: (v) => {
    switch (v.why) {
      case 'scheme':
        return `--server phải là URL http:// hoặc https://, không phải "${v.value}"`;
      case 'credentials':
        return `--server không được chứa tên đăng nhập hay mật khẩu ("${v.value}"); thông tin xác thực của máy quầy do capbu enroll cấp`;
      case 'httpsRequired':
        return `--server phải dùng https://, trừ khi hệ thống trung tâm chạy trên chính máy này ("${v.value}")`;
      default:
        return `--server phải là địa chỉ URL của hệ thống trung tâm, ví dụ https://capbu.example.vn, không phải "${v.value}"`;
    }
  },
  needsOption: (v) => `${v.option} chỉ dùng cùng ${v.needs}`,
  fileExists: (v) => `tệp ${v.path} đã có; chọn tên tệp mới`,
  userName: (v) => `--name gồm chữ cái, chữ số, ".", "-", "_" và "@" (tối đa 64 ký tự), không phải "${v.value}"`,
  userRole: (v) => `--role là admin (xem mọi tỉnh) hoặc supervisor (chỉ xem các tỉnh được giao), không phải "${v.value}"`,
  userProvinces: (v) =>
    v.role === 'admin' ? 'admin xem mọi tỉnh: bỏ --province' : 'supervisor cần ít nhất một --province MÃ_TỈNH (có thể lặp lại)',
};

export const vi: Catalog = {
  usage,
  errors: {
    USAGE: (v) => `${sentence(render(usage[v.usage as UsageProblem], v))} Xem "capbu help${v.command ? ` ${v.command}` : ''}".`,
    CAMPAIGN_NOT_FOUND: (v) => `không tìm thấy tệp chiến dịch: ${v.path}`,
    CAMPAIGN_INVALID: (v) => `tệp chiến dịch không hợp lệ (${campaignProblem(v)})${v.path ? `: ${v.path}` : ''}`,
    CAMPAIGN_DUPLICATE_ID: (v) => `hai chiến dịch cùng mã "${v.id}"${v.path ? ` (${v.path})` : ''}: mỗi chiến dịch cần một mã riêng`,
    CAMPAIGN_UNKNOWN: (v) => `không có chiến dịch mã "${v.id}" (các chiến dịch: ${Array.isArray(v.campaigns) ? v.campaigns.join(', ') : ''})`,
    CA_CERT_NOT_FOUND: (v) => `không tìm thấy tệp chứng thư số Viettel-CA: ${v.path}`,
    CA_CERT_INVALID: (v) => `tệp không chứa chứng thư số Viettel-CA: ${v.path}`,
    REGISTRY_NOT_FOUND: (v) => `không tìm thấy tệp danh sách thuê bao: ${v.path}`,
    REGISTRY_INVALID: (v) => `từ chối danh sách thuê bao, không nhập dòng nào; các dòng lỗi: ${registryLines(v.lines)}`,
    BACKUP_INVALID: (v) => `${v.path} không phải bản sao lưu đầy đủ của kho dữ liệu capbu; kho dữ liệu máy quầy chưa bị thay đổi`,
    STORE_FAILED: (v) => {
      switch (v.problem) {
        case 'unwritable':
          return `không ghi được vào thư mục dữ liệu của máy quầy ${v.path}; cấp quyền ghi cho tài khoản chạy capbu rồi thử lại (chưa gửi gì tới hệ thống trung tâm)`;
        case 'damaged':
          return `kho dữ liệu của máy quầy ${v.path} bị hỏng; chưa ghi gì vào đó. Giữ nguyên tệp, khôi phục kho dữ liệu từ bản sao lưu rồi thử lại`;
        case 'empty':
          return `kho dữ liệu của máy quầy ${v.path} trống (0 byte): nhật ký và bản sao danh sách thuê bao đã mất; chưa ghi gì vào đó. Khôi phục kho dữ liệu từ bản sao lưu (nếu máy quầy chưa từng có dữ liệu, xóa tệp trống này)`;
        case 'newer':
          return `kho dữ liệu của máy quầy ${v.path} ở phiên bản cấu trúc ${v.version}, mới hơn phiên bản capbu này hỗ trợ (${v.supported}); chưa ghi gì vào đó. Cập nhật capbu, hoặc khôi phục bản sao lưu tạo bằng phiên bản này`;
        default:
          return `không mở được kho dữ liệu của máy quầy tại ${v.path}`;
      }
    },
    DRIVER_MISSING: (v) => `thiết bị ${v.device} đang cắm chưa có trình điều khiển trên máy này: cài ${v.install}`,
    DEVICE_UNKNOWN: (v) => `thiết bị đang cắm (${v.ids}) chưa có trong danh mục của capbu: báo mã thiết bị cho bộ phận IT để bổ sung (mục "devices" trong settings), hoặc chỉ rõ thư viện bằng --module`,
    MODULE_LOAD_FAILED: (v) => `không nạp được thư viện PKCS#11 ${v.path}`,
    MODULE_LOAD_TIMEOUT: (v) => `thư viện PKCS#11 ${v.path} không phản hồi sau ${v.ms} ms khi nạp: rút USB token ra cắm lại, cài lại trình điều khiển của token; nếu vẫn lỗi, gọi Tổng đài 18008000 nhánh 1`,
    NO_TOKEN: 'chưa cắm USB token (token) nào',
    SEVERAL_TOKENS: (v) => `đang cắm nhiều USB token (${list(v.labels)}); chọn một bằng --token NHÃN`,
    TOKEN_NOT_FOUND: (v) => `không có USB token nào mang nhãn "${v.label}"`,
    TOKEN_REMOVED: 'USB token đã bị rút ra; cắm lại rồi thử lại',
    TOKEN_ERROR: (v) => `USB token từ chối thao tác (${v.ckr ?? 'không rõ lý do'})`,
    TOKEN_FULL: 'USB token không còn chỗ cho chứng thư số mới',
    PIN_INCORRECT: (v) => `sai mã PIN${v.unclear ? ' (USB token không báo rõ)' : ''}; ${triesLeft(v)}`,
    PIN_LOCKED: 'mã PIN đã bị khóa; khách hàng cần liên hệ Viettel-CA để mở khóa (Tổng đài 18008000 nhánh 1)',
    PIN_INVALID: (v) =>
      v.min !== undefined
        ? `USB token này nhận mã PIN dài từ ${v.min} đến ${v.max} ký tự; chưa thử mã PIN nào, hãy nhập lại`
        : 'mã PIN có ký tự không phải ASCII; hãy tắt bộ gõ tiếng Việt rồi nhập lại (chưa thử mã PIN nào)',
    PIN_MISSING: (v) =>
      v.option ? `cần mã PIN của khách hàng: thêm ${v.option}, rồi nhập mã PIN khi được hỏi hoặc chuyển qua đầu vào chuẩn` : 'không có mã PIN trên đầu vào chuẩn',
    PIN_CANCELLED: 'đã hủy nhập mã PIN; chưa thử mã PIN nào trên USB token',
    FINAL_TRY_NEEDS_CONFIRMATION: 'chỉ còn 1 lần thử mã PIN: nhập sai lần nữa USB token sẽ bị khóa; xác nhận với khách hàng rồi chạy lại với --final-try',
    SETTINGS_INVALID: (v) => `cài đặt của máy quầy tại ${v.path} không hợp lệ (${settingsProblem(v.problem)})`,
    SERVER_REJECTED: (v) => `hệ thống trung tâm từ chối cấp bù (${list(v.codes)})`,
    BAD_ISSUANCE: (v) =>
      `chứng thư số hệ thống trung tâm trả về không đạt kiểm tra của máy quầy (${list(v.problems)}); USB token chưa bị thay đổi; hãy báo cho Trung tâm Sản phẩm`,
    TOKEN_WRITE_MISMATCH: 'USB token không lưu đúng chứng thư số mới; đã gỡ bỏ lại, chứng thư số cũ vẫn nguyên vẹn',
    KEY_NOT_FOUND: 'USB token không có khóa bí mật của chứng thư số này',
    KEY_UNSUPPORTED: 'capbu không ký được bằng khóa của chứng thư số này: chỉ hỗ trợ RSA và các đường cong P-256, P-384, P-521',
    CANCELLED: 'đã dừng cấp bù; không có bước nào dở dang, cấp bù lại với USB token này sẽ tiếp tục từ chỗ đã dừng',
    CLOCK_INVALID: (v) => `--now phải là thời điểm dạng 2020-06-01T10:00:00+07:00, không phải "${v.value}"`,
    CENTRAL_DB_FAILED: (v) => v.problem === 'missing' ? `không có cơ sở dữ liệu trung tâm ${v.db}; hãy dùng đúng --db mà "capbu central serve" dùng` : `không mở được cơ sở dữ liệu trung tâm ${v.db}`,
    CENTRAL_DB_UNSAFE: (v) => `người dùng khác có quyền ghi vào thư mục ${v.directory} chứa cơ sở dữ liệu trung tâm: hãy chỉ để người dùng của hệ thống trung tâm truy cập (chmod 700)`,
    CENTRAL_DB_LOST: (v) => `cơ sở dữ liệu trung tâm ${v.db} đã bị xóa hoặc thay thế khi hệ thống trung tâm đang chạy; hệ thống đã dừng: khôi phục tệp từ bản sao lưu rồi khởi động lại`,
    CENTRAL_DB_EMPTY: (v) =>
      `khóa ký ${v.key} đã cấp chứng thư số (từ ${v.since}; ghi nhận tại ${v.marker}) nhưng cơ sở dữ liệu trung tâm ${v.db} không có chứng thư nào trong số đó, nên có thể cấp bù lần thứ hai cho chứng thư số đã được cấp bù; hệ thống trung tâm chưa phục vụ. Khôi phục cơ sở dữ liệu từ bản sao lưu, hoặc chỉ khi cố ý dùng cơ sở dữ liệu mới, khởi động với --new-database`,
    CENTRAL_BUSY: (v) => `hệ thống trung tâm đang bận; hãy thử lại sau ${v.retryAfter ?? 1} giây`,
    KIOSK_EXISTS: (v) => `đã có máy quầy mã "${v.id}"; nếu đăng ký không thành công, cấp mã mới bằng: capbu central kiosk reissue ${v.id}`,
    KIOSK_ENROLLED: (v) => `máy quầy ${v.id} đã đăng ký và đang hoạt động; hãy thu hồi trước (capbu central kiosk revoke ${v.id}) rồi mới cấp mã mới`,
    KIOSK_NOT_FOUND: (v) => `không có máy quầy mã "${v.id}"`,
    CA_KEY_NOT_FOUND: (v) => `không tìm thấy khóa ký của Viettel-CA: ${v.key}`,
    CA_KEY_INVALID: (v) =>
      v.marker
        ? `hệ thống trung tâm không ghi được ${v.marker}, nơi ghi nhận khóa ký ${v.key} đã cấp chứng thư số: cấp quyền ghi thư mục đó cho tài khoản chạy hệ thống trung tâm`
        : `khóa ký của Viettel-CA không dùng được: ${v.key}${caKeyProblem(v.problem)}`,
    CA_KEY_MISMATCH: (v) => `khóa ký ${v.key} không phải khóa của chứng thư số Viettel-CA mới trong chiến dịch`,
    CA_KEY_MISSING: (v) => `chưa có khóa ký của chứng thư số Viettel-CA mới cho chiến dịch "${v.campaign}": thêm --ca-key ${v.campaign}=KHÓA`,
    CAMPAIGN_ID_UNKNOWN: (v) => `không có chiến dịch "${v.id}" trong bộ chiến dịch (các chiến dịch: ${Array.isArray(v.campaigns) ? v.campaigns.join(', ') : ''})`,
    CA_KEY_CAMPAIGN_UNKNOWN: (v) => `--ca-key nêu chiến dịch "${v.id}" không có trong tệp chiến dịch (các chiến dịch: ${Array.isArray(v.campaigns) ? v.campaigns.join(', ') : ''})`,
    CA_PIN_MISSING: (v) => `cần đặt mã PIN của HSM trong biến môi trường ${v.variable}`,
    CERT_FILE_NOT_FOUND: (v) => `không tìm thấy tệp chứng thư số: ${v.path}`,
    CERT_FILE_INVALID: (v) => `không đọc được chứng thư số nào trong ${v.path}`,
    LISTEN_FAILED: (v) =>
      v.reason === 'inUse'
        ? `cổng ${v.port} đang được dùng (${v.listen}): có một capbu central serve khác vẫn đang chạy? Dừng nó, hoặc chọn cổng khác bằng --listen`
        : v.reason === 'denied'
          ? `không được phép lắng nghe trên cổng ${v.port} (${v.listen}); chọn cổng lớn hơn 1023 bằng --listen`
          : `không mở được cổng ${v.listen}; xem nhật ký của hệ thống trung tâm để biết lý do`,
    REQUEST_INVALID: 'yêu cầu không đúng định dạng của hệ thống trung tâm',
    JSON_INVALID: 'nội dung yêu cầu không phải JSON hợp lệ',
    BODY_TOO_LARGE: (v) =>
      `yêu cầu lớn hơn mức hệ thống trung tâm nhận${v.limit ? ` (${v.limit} byte)` : ''}; hãy cập nhật capbu trên máy quầy này rồi chạy lại lệnh, nếu vẫn lỗi hãy báo người quản trị hệ thống trung tâm kèm mã lỗi này`,
    BASE64_INVALID: (v) => `trường "${v.field}" không phải base64 hợp lệ`,
    CERTIFICATE_INVALID: 'chứng thư số cũ không đọc được (không phải X.509)',
    CSR_INVALID: 'yêu cầu cấp chứng thư số không đọc được (không phải PKCS#10)',
    CSR_KEY_MISMATCH: 'khóa công khai trong yêu cầu không phải khóa của chứng thư số cũ',
    CSR_SUBJECT_MISMATCH: 'chủ thể trong yêu cầu khác chủ thể của chứng thư số cũ',
    NOT_ELIGIBLE: (v) => `chứng thư số không đủ điều kiện cấp bù (${list(v.reasons)})`,
    ALREADY_RENEWED: (v) => `chứng thư số này đã được cấp bù${v.serial ? ` (số sê-ri mới ${v.serial})` : ''}`,
    IDEMPOTENCY_KEY_REUSED: 'khóa chống lặp này đã dùng cho một yêu cầu khác',
    UNAUTHORIZED: 'thông tin xác thực của máy quầy bị thiếu, sai, không rõ hoặc đã bị thu hồi',
    FORBIDDEN: 'thông tin xác thực này không được phép làm việc đó: báo cáo dành cho thông tin xác thực báo cáo, cấp bù và đồng bộ dành cho máy quầy',
    ENROLMENT_CODE_INVALID: 'mã đăng ký không đúng, đã dùng, đã hết hạn hoặc đã bị thu hồi',
    RATE_LIMITED: 'máy quầy gửi quá nhiều yêu cầu; chờ một lát rồi thử lại',
    NOT_FOUND: 'hệ thống trung tâm không có đường dẫn này',
    SERVER_UNREACHABLE: (v) => `không kết nối được hệ thống trung tâm tại ${v.server}`,
    SERVER_UNAVAILABLE: (v) => `hệ thống trung tâm đang gặp sự cố, chưa trả lời được${v.status ? ` (HTTP ${v.status})` : ''}; thử lại sau`,
    SERVER_REPLY_INVALID: (v) => `hệ thống trung tâm trả lời không như mong đợi${v.status ? ` (HTTP ${v.status})` : ''}`,
    NOT_ENROLLED: 'máy quầy chưa đăng ký; chạy "capbu enroll --server URL --code MÃ" trước',
    ...configErrorsVi,
    NOT_A_TERMINAL: 'capbu kiosk cần một cửa sổ dòng lệnh (terminal); để chạy theo kịch bản, dùng capbu check, capbu renew và capbu sync',
    KIOSK_APP_RUNNING: (v) => `ứng dụng máy quầy đang chạy trên thư mục dữ liệu ${v.dir} (tiến trình ${v.pid}): dùng cửa sổ đó, hoặc thoát nó trước khi mở lại; bản demo thứ hai cần thư mục khác (--dir)`,
    INTERNAL: 'lỗi ngoài dự kiến; chạy lại với CAPBU_DEBUG=1 để xem chi tiết rồi báo cho Trung tâm Sản phẩm',
    DEMO_NOT_FOUND: (v) => `không có thế giới demo trong ${v.directory}; tạo bằng capbu demo ${v.directory}`,
    DEMO_CUSTOMER_UNKNOWN: (v) => `không có khách hàng demo "${v.name}"; chọn một trong: ${list(v.names)}`,
    DEMO_CENTRE_FAILED: (v) => `không khởi động được hệ thống trung tâm demo; xem ${v.log} trong thư mục demo`,
    SYNC_BUSY: 'máy quầy đang đồng bộ trong một tiến trình khác; tiến trình đó sẽ gửi hết, không cần làm gì thêm',
    EVENT_HASH_INVALID: (v) => `sự kiện ${v.seq ?? ''} không khớp mã băm; không lưu sự kiện nào của lô này`,
    ORDERS_NOT_FOUND: (v) => `không tìm thấy tệp đơn hàng gia hạn: ${v.path}`,
    ORDERS_INVALID: (v) => `từ chối tệp đơn hàng gia hạn, không nhập dòng nào; các dòng lỗi: ${orderLines(v.lines)}`,
    OVERRIDE_INVALID: (v) => `mã phê duyệt của giám sát bị từ chối: ${OVERRIDE_PROBLEMS[String(v.problem)] ?? 'không hợp lệ'}; xin giám sát cấp lại mã`,
    OVERRIDE_EXPIRED: (v) => `mã phê duyệt của giám sát đã hết hạn (${v.expiresAt}); xin giám sát cấp mã mới`,
    OVERRIDE_KEY_NOT_FOUND: (v) => `không tìm thấy tệp khóa phê duyệt: ${v.path}`,
    OVERRIDE_KEY_INVALID: 'khóa phê duyệt không phải khóa Ed25519 (PEM, hoặc base64 của khóa công khai)',
    CHAIN_CONFLICT: (v) =>
      `sự kiện ${v.seq ?? ''} mâu thuẫn với chuỗi nhật ký hệ thống trung tâm đang giữ cho máy quầy này (đã có sự kiện khác mang số này); không lưu sự kiện nào của lô này; giữ nguyên kho dữ liệu của máy quầy và báo cáo`,
    USER_EXISTS: (v) => `đã có tài khoản "${v.name}"; chọn tên khác`,
    LOGIN_FAILED: 'tên đăng nhập hoặc mật khẩu không đúng',
    LOGIN_REQUIRED: 'cần đăng nhập (phiên làm việc chưa có hoặc đã hết hạn)',
    LOGIN_THROTTLED: (v) => `đăng nhập sai quá nhiều lần; chờ ${v.retryAfter ?? 60} giây rồi thử lại`,
    SETUP_CODE_INVALID: 'mã đặt mật khẩu không đúng, đã dùng hoặc đã hết hạn; xin quản trị viên cấp mã mới',
    PASSWORD_WEAK: (v) => `mật khẩu cần ít nhất ${v.min} ký tự`,
    CSRF_INVALID: 'biểu mẫu đã cũ hoặc không do trang này gửi; tải lại trang rồi thử lại',
    PROVINCE_FORBIDDEN: (v) => `tài khoản này không được xem tỉnh ${v.province ?? ''}`,
  },
  reasons: {
    NOT_ISSUED_BY_OLD_CA: 'Chứng thư số không do chứng thư số Viettel-CA cũ (2015–2020) cấp: không thuộc diện cấp bù.',
    ISSUED_ON_OR_AFTER_CUTOFF: (v) =>
      `Chứng thư số được cấp ngày ${v.notBefore}, không phải trước ngày ${v.issuedBefore}: không thuộc diện cấp bù. Chứng thư số này đã có hiệu lực theo chứng thư số Viettel-CA mới: không cần làm gì.`,
    NOT_CAPPED: (v) => `Chứng thư số hết hạn ngày ${v.notAfter}, không phải ngày ${v.capDate}: không thuộc diện cấp bù. Không cần làm gì với chứng thư số này.`,
    UNKNOWN_SUBSCRIBER: (v) =>
      `Số sê-ri ${v.serial} không có trong danh sách thuê bao của máy quầy: chạy "capbu sync" rồi kiểm tra lại; nếu vẫn không có, khách hàng gọi Tổng đài 18008000 nhánh 1.`,
    REVOKED: 'Thuê bao đã bị thu hồi: không cấp bù được; khách hàng liên hệ Tổng đài 18008000 nhánh 1.',
    SUSPENDED: 'Thuê bao đang tạm dừng: khách hàng cần khôi phục thuê bao (Tổng đài 18008000 nhánh 1) rồi quay lại cấp bù.',
    CONTRACT_NOT_BEYOND_CAP: (v) =>
      `Hợp đồng kết thúc ngày ${v.contractEnd}, không sau ngày ${v.capDate}: không còn thời hạn để cấp bù; khách hàng cần gia hạn nếu muốn dùng tiếp.`,
    TAX_CODE_MISMATCH: (v) =>
      `Mã số thuế trên chứng thư số (${v.certificateTaxCode}) khác với danh sách thuê bao (${v.registryTaxCode}): cần đối chiếu hồ sơ của khách hàng trước khi cấp bù.`,
    NO_PRIVATE_KEY:
      'USB token không có khóa bí mật của chứng thư số này: không cấp bù lên USB token này được; hỏi khách hàng có mang USB token khác không.',
    NOTHING_LEFT_TO_GRANT: (v) => `Hợp đồng đã kết thúc ngày ${v.contractEnd}: không còn thời hạn để cấp bù.`,
    ROLLOUT_NOT_OPEN: (v) =>
      `Theo lộ trình cấp bù, phiên bản thiết bị ${v.hardwareVersion || '(chưa rõ)'} ${v.opensOn ? `được cấp bù từ ngày ${v.opensOn}` : 'chưa có ngày được cấp bù'}: khách hàng quay lại khi đến lượt, hoặc gọi ${v.supportLine}.`,
  },
  text: {
    ...kioskVi,
    ...configTextVi,
    ...dashboardVi,
    ...Object.fromEntries(Object.entries(PLACEHOLDERS).map(([name, words]) => [`arg.${name}`, words])),
    'help.title': 'capbu — cấp bù thời hạn chứng thư số trên USB token (token) của khách hàng',
    'help.kiosk': 'Tại máy quầy',
    'help.centre': 'Tại hệ thống trung tâm',
    'help.usage': 'Cách dùng',
    'help.options': 'Tùy chọn',
    'help.subcommands': 'Lệnh con',
    'help.common': 'Tùy chọn chung',
    'help.more': 'Chi tiết từng lệnh: capbu help LỆNH, hoặc capbu LỆNH --help.',
    'cmd.check': 'token chứa gì, chứng thư số nào được cấp bù, và vì sao',
    'cmd.renew': 'cấp bù chứng thư số lên chính USB token đó, giữ nguyên khóa',
    'cmd.sync': 'gửi các yêu cầu đã lưu, cập nhật danh sách thuê bao',
    'cmd.tokens': 'các USB token đang cắm và trạng thái mã PIN',
    'cmd.doctor': 'những gì chạy được và chưa được trên máy này, kèm cách xử lý',
    'cmd.kiosk': 'ứng dụng máy quầy trong cửa sổ dòng lệnh (mặc định khi chạy capbu)',
    'opt.watch': 'báo mỗi khi cắm hoặc rút USB token',
    'opt.demo': 'dùng bộ dữ liệu demo',
    'cmd.backup': 'sao lưu kho dữ liệu của máy quầy vào một tệp',
    'cmd.restore': 'khôi phục kho dữ liệu của máy quầy từ bản sao lưu',
    'opt.dir': 'thư mục của bộ dữ liệu demo',
    'cmd.journal': 'nhật ký của máy quầy (chuỗi mã băm); journal verify: kiểm tra chuỗi',
    'cmd.status': 'những gì đang chờ gửi, tuổi danh sách thuê bao, đồng hồ',
    'cmd.central kiosk list': 'các máy quầy, lần đồng bộ cuối và nhật ký của từng máy',
    'opt.since': 'từ sự kiện số này trở đi',
    'opt.limit': 'tối đa bấy nhiêu sự kiện',
    'opt.interval': 'số giây giữa hai lần đồng bộ khi có --watch',
    'opt.db-pool': 'số kết nối tối đa tới postgres của mỗi tiến trình',
    'opt.db-wait': 'số giây chờ cơ sở dữ liệu trước khi trả lời đang bận',
    'opt.new-database': 'khởi động với cơ sở dữ liệu mới dù khóa ký đã từng cấp chứng thư số (nếu không có tùy chọn này: CENTRAL_DB_EMPTY)',
    'opt.event-quota': 'số sự kiện nhật ký tối đa mỗi giờ của một máy quầy',
    'cmd.registry': 'danh sách thuê bao của máy quầy',
    'cmd.registry import': 'nạp tệp danh sách thuê bao (CSV) vào máy quầy',
    'cmd.enroll': 'đăng ký máy quầy với hệ thống trung tâm (một lần)',
    'cmd.demo': 'tạo bộ dữ liệu demo với token SoftHSM2',
    'cmd.central': 'các lệnh của hệ thống trung tâm',
    'cmd.central serve': 'chạy hệ thống trung tâm',
    'cmd.central registry': 'danh sách thuê bao và chứng thư số ở trung tâm',
    'cmd.central registry import': 'nạp tệp danh sách thuê bao (CSV)',
    'cmd.central registry add-certs': 'nạp các chứng thư số đã cấp (tệp PEM hoặc DER)',
    'cmd.central kiosk': 'các máy quầy được phép gửi yêu cầu',
    'cmd.central kiosk add': 'thêm một máy quầy và in mã đăng ký dùng một lần',
    'cmd.central kiosk revoke': 'thu hồi quyền của một máy quầy',
    'cmd.central kiosk reissue': 'cấp mã đăng ký mới cho máy quầy đăng ký không thành công hoặc đã bị thu hồi',
    'cmd.central report': 'báo cáo tiến độ cấp bù theo tỉnh, phiên bản thiết bị, kênh, ngày',
    'cmd.central orders': 'đơn hàng gia hạn (có phí) từ hệ thống tính cước',
    'cmd.central orders import': 'nhập đơn hàng gia hạn (CSV "serial,orderId,paidUntil[,paidAt]"); nhập lại để cập nhật',
    'cmd.central override': 'phê duyệt của giám sát cho phiên bản thiết bị chưa đến lượt theo lộ trình',
    'cmd.central override issue': 'cấp mã phê duyệt cho một chứng thư số, để gửi cho nhân viên lưu động',
    'opt.trust-proxy': 'các máy chủ trung gian TLS phía trước (địa chỉ hoặc dải, cách nhau bằng dấu phẩy), được tin về địa chỉ máy khách và kết nối mã hóa',
    'opt.override-key': 'khóa phê duyệt Ed25519 (PEM) để kiểm tra mã phê duyệt của giám sát',
    'opt.key': 'tệp khóa phê duyệt Ed25519 (khóa bí mật, PEM)',
    'opt.serial': 'số sê-ri của chứng thư số cũ',
    'opt.reason': 'lý do phê duyệt (ghi vào nhật ký)',
    'opt.override': 'mã phê duyệt của giám sát (CBO1.…) cho chứng thư số chưa đến lượt theo lộ trình',
    'opt.hours': 'số giờ mã phê duyệt còn hiệu lực (mặc định 24, tối đa 744)',
    'opt.token': 'USB token cần dùng, theo nhãn (khi cắm nhiều token)',
    'opt.pin-stdin': 'đọc mã PIN của khách hàng từ đầu vào chuẩn (không hiển thị)',
    'opt.final-try': 'khách hàng đã đồng ý thử mã PIN lần cuối',
    'opt.campaign': 'tệp hoặc thư mục chiến dịch (mặc định: campaign.json trong thư mục dữ liệu)',
    'opt.module': 'thư viện PKCS#11 của USB token',
    'opt.json': 'in kết quả dạng JSON cho chương trình khác đọc',
    'opt.server': 'địa chỉ của hệ thống trung tâm',
    'opt.operator': 'tên nhân viên ghi trên biên nhận',
    'opt.code': 'mã đăng ký dùng một lần do trung tâm cấp',
    'opt.ca-key': 'khóa ký của chứng thư số Viettel-CA mới (tệp PEM hoặc pkcs11:); khi có nhiều chiến dịch: MÃ=KHÓA cho từng chiến dịch',
    'opt.campaign-id': 'chỉ chiến dịch này (mã của nó trong tệp chiến dịch)',
    'opt.campaign-file': 'tệp hoặc thư mục chiến dịch (mặc định: campaign.json trong thư mục dữ liệu)',
    'opt.db': 'CSDL của trung tâm: đường dẫn tệp SQLite hoặc địa chỉ postgres://',
    'opt.listen': 'địa chỉ và cổng lắng nghe (mặc định 127.0.0.1:8080)',
    'opt.backdate': 'lùi thời điểm bắt đầu hiệu lực của chứng thư số mới, tính bằng giây',
    'opt.rate-limit': 'số yêu cầu tối đa mỗi phút của một máy quầy',
    'opt.ca-pin-env': 'tên biến môi trường chứa mã PIN của HSM',
    'opt.workers': 'số tiến trình phục vụ',
    'opt.id': 'mã của máy quầy (chữ cái, chữ số, "-", "_")',
    'opt.province': 'mã tỉnh: của máy quầy, hoặc từng tỉnh tài khoản supervisor được xem (lặp lại được)',
    'opt.channel': 'kênh: counter (quầy giao dịch), field (lưu động), self (khách hàng tự thực hiện)',
    'opt.valid-hours': 'số giờ mã dùng một lần còn hiệu lực (mặc định 72 với máy quầy, 24 với tài khoản)',
    'opt.role': 'kiosk add: kiosk (mặc định: cấp bù và đồng bộ) hoặc report (chỉ đọc báo cáo); user add: admin (mọi tỉnh) hoặc supervisor (chỉ các tỉnh --province)',
    'opt.lang': 'ngôn ngữ',
    'opt.now': 'giờ giả định, để diễn tập',
    'opt.help': 'hướng dẫn',
    'channel.counter': 'quầy giao dịch',
    'channel.field': 'lưu động',
    'channel.self': 'khách hàng tự thực hiện',
    token: 'USB token',
    serialNo: 'số sê-ri',
    keyCheckLoggedIn: 'Kiểm tra khóa: đã nhập mã PIN (so với khóa bí mật)',
    keyCheckPublic: 'Kiểm tra khóa: chưa nhập mã PIN (chỉ so với khóa công khai)',
    certificate: 'Chứng thư số',
    subject: 'Chủ thể',
    issuer: 'Tổ chức cấp (CA)',
    validity: 'Hiệu lực',
    role: 'Loại',
    roleCa: 'chứng thư số của CA',
    roleEndEntity: 'chứng thư số của thuê bao',
    hasKey: 'Khóa bí mật',
    campaignOf: 'Chiến dịch cấp bù',
    yes: 'có',
    no: 'không',
    notEligible: 'KHÔNG đủ điều kiện cấp bù',
    renewedOn: (v) => `Đã cấp bù ngày ${v.at} (thay cho chứng thư số ${v.old}), có hiệu lực đến hết ngày ${v.notAfter}.`,
    grantParts: (v) =>
      `gồm ${v.compensationDays} ngày cấp bù miễn phí (đến hết ngày ${v.compensationEnd})${v.orderId ? ` và ${v.paidDays} ngày gia hạn theo đơn hàng ${v.orderId}` : ''}.`,
    'warning.PAID_PERIOD_CAPPED': (v) =>
      `Lưu ý: đơn gia hạn ${v.orderId} trả đến ngày ${v.paidUntil}, nhưng chứng thư số Viettel-CA mới chỉ có hiệu lực đến hết ngày ${v.caEnd}: ${v.cappedDays} ngày đã trả không cấp được (PAID_PERIOD_CAPPED).`,
    rolloutOverridden: (v) =>
      `Phiên bản thiết bị ${v.hardwareVersion || '(chưa rõ)'} chưa đến lượt theo lộ trình; được cấp bù theo phê duyệt của giám sát: ${v.reason} (mã hết hạn ${v.expiresAt}).`,
    ordersImported: (v) => `Đã nhập ${v.rows} đơn hàng gia hạn: ${v.added} mới, ${v.updated} cập nhật, ${v.unchanged} không đổi.`,
    overrideIssued: (v) => `Mã phê duyệt cho chứng thư số ${v.serial}, hết hạn ${v.expiresAt}; gửi nguyên văn cho nhân viên:`,
    eligibleUntil: (v) => `ĐỦ điều kiện cấp bù: chứng thư số mới có hiệu lực đến hết ngày ${v.notAfter}.`,
    details: 'Chi tiết',
    datesIn: (v) => (v.zone === 'Asia/Ho_Chi_Minh' ? 'Ngày tháng theo giờ Việt Nam.' : `Ngày tháng theo múi giờ ${v.zone}.`),
    noCandidate: 'Không có chứng thư số nào được cấp bù trên USB token này.',
    unreadable: 'Đối tượng không đọc được',
    candidate: 'Chứng thư số sẽ được cấp bù',
    none: 'không có',
    'tokens.label': 'Nhãn',
    'tokens.serial': 'Số sê-ri',
    'tokens.device': 'Thiết bị',
    'tokens.version': 'Phiên bản',
    'tokens.pin': 'Mã PIN',
    'pin.ok': 'bình thường',
    'pin.countLow': 'đã nhập sai, còn ít lần thử',
    'pin.finalTry': 'còn 1 lần thử',
    'pin.locked': 'đã bị khóa',
    /** `capbu check`: the kiosk's count beside the token's flags, in PIN_INCORRECT's words. */
    pinTriesLeft: (v) => `Mã PIN: ${v.counted ? `đã nhập sai ${v.counted} lần tại máy quầy này; ` : ''}${triesLeft(v)}`,
    noTokens: 'Chưa cắm USB token nào.',
    backupDone: (v) => `Đã sao lưu kho dữ liệu máy quầy vào ${v.file}.`,
    restoreDone: (v) => `Đã khôi phục kho dữ liệu máy quầy từ ${v.file}.`,
    'doctor.settings.fail': (v) => `settings.json: ${v.problem} — sửa hoặc xoá tệp trong thư mục dữ liệu`,
    'doctor.module.ok': (v) => `thư viện PKCS#11 nạp được: ${v.path}`,
    'doctor.module.fail': (v) =>
      v.why === 'none'
        ? 'chưa cài thư viện PKCS#11 nào — cài trình điều khiển của USB token'
        : `không nạp được thư viện PKCS#11: ${v.path} (${v.why === 'missing' ? 'không có tệp này' : v.why === 'timeout' ? 'quá lâu không phản hồi' : `lỗi khi nạp${/^CKR_/.test(String(v.detail)) ? ` ${v.detail}` : ''}`}) — cài lại trình điều khiển của USB token`,
    'doctor.pcscd.ok': 'dịch vụ thẻ thông minh (pcscd) đang chạy',
    'doctor.pcscd.fail': 'dịch vụ thẻ thông minh (pcscd) chưa chạy — sudo systemctl enable --now pcscd.socket',
    'doctor.usb.ok': (v) =>
      v.listed === false
        ? 'USB: hệ thống này không cho xem danh sách thiết bị (token được tìm qua thư viện)'
        : v.count === 0
          ? 'USB: chưa cắm thiết bị token nào'
          : `USB: ${v.device} [${v.ids}]${v.hardwareVersion ? `, phiên bản thiết bị ${v.hardwareVersion}` : ''}, thư viện ${v.module}`,
    'doctor.usb-unknown.fail': (v) => `USB: thiết bị chưa biết ${v.device} [${v.ids}] — báo mã này cho bộ phận IT để bổ sung vào mục "devices" trong settings`,
    'doctor.usb-driver.fail': (v) => `USB: ${v.device} [${v.ids}] chưa có trình điều khiển — cài ${v.install}`,
    'doctor.tokens.ok': (v) => `USB token đang cắm: ${v.count} (${v.labels})`,
    'doctor.tokens.fail': (v) => `không đọc được USB token nào: ${v.problem}`,
    'doctor.campaign.ok': (v) => `tệp chiến dịch và chứng thư số Viettel-CA hợp lệ: ${v.id}`,
    'doctor.campaign.fail': (v) => `tệp chiến dịch: ${v.problem} — đặt tệp chiến dịch vào chỗ (CAPBU_CAMPAIGN)`,
    'doctor.data-dir.ok': (v) => `thư mục dữ liệu chỉ người dùng này truy cập: ${v.path}`,
    'doctor.data-dir.fail': (v) =>
      `thư mục dữ liệu ${v.path}: ${v.why === 'missing' ? 'chưa có' : v.why === 'owner' ? 'thuộc người dùng khác' : `đang có quyền ${v.mode}`} — phải tồn tại, thuộc người dùng của máy quầy, quyền 700 (tệp 600)`,
    'doctor.store.ok': 'kho dữ liệu máy quầy nguyên vẹn (SQLite integrity_check)',
    'doctor.store.fail': (v) =>
      `kho dữ liệu máy quầy bị hỏng: ${v.why === 'integrity' ? `SQLite integrity_check báo ${v.count} lỗi` : v.problem} — khôi phục bản sao lưu gần nhất (capbu restore TỆP)`,
    'doctor.enrolment.ok': (v) => `đã đăng ký máy quầy ${v.kiosk} với ${v.server}`,
    'doctor.enrolment.fail': (v) => `chưa đăng ký: ${v.problem}`,
    'doctor.centre.ok': (v) => `kết nối được hệ thống trung tâm: ${v.server}, ${v.ms} ms`,
    'doctor.centre.fail': (v) => `không kết nối được hệ thống trung tâm: ${v.problem} — kiểm tra mạng; trong lúc chờ, yêu cầu cấp bù đã lưu, sẽ gửi khi có kết nối`,
    'doctor.clock.ok': (v) => `đồng hồ khớp với hệ thống trung tâm (${v.seconds} giây)`,
    'doctor.clock.fail': (v) =>
      `đồng hồ lệch với hệ thống trung tâm${v.why === 'noDate' ? ' (hệ thống trung tâm không gửi giờ của mình)' : ` ${v.seconds} giây`} — chỉnh giờ (timedatectl)`,
    'doctor.registry.ok': (v) => `bản sao danh sách thuê bao phiên bản ${v.version}, cập nhật ${v.hours} giờ trước`,
    'doctor.registry.fail': (v) => (v.hours === '-' ? 'bản sao danh sách thuê bao chưa được cập nhật — chạy capbu sync' : `bản sao danh sách thuê bao đã ${v.hours} giờ — chạy capbu sync`),
    'doctor.unsynced.ok': 'không có gì chờ gửi hệ thống trung tâm (yêu cầu cấp bù, sự kiện nhật ký)',
    'doctor.unsynced.fail': (v) => `đã lưu, sẽ gửi khi có kết nối: ${v.count} yêu cầu cấp bù, ${v.events} sự kiện nhật ký — chạy capbu sync khi có mạng`,
    watchPlugged: (v) => `+ USB token ${v.label}, số sê-ri ${v.serial}, ${v.model}, phiên bản thiết bị ${v.hardware}${v.device ? `, thiết bị ${v.device}` : ''}`,
    watchRemoved: (v) => `- đã rút: ${v.what}`,
    watchNoToken: (v) => `! ${v.device}: ${v.why}`,
    watchModuleFailed: (v) => `! không nạp được thư viện PKCS#11 ${v.module} (${v.detail}): cài lại trình điều khiển của USB token`,
    'why.driver-missing': (v) => `thiếu trình điều khiển: cài ${v.install}`,
    'why.module-failed': (v) => `không nạp được trình điều khiển ${v.module} (${v.detail}): cài lại, rồi rút và cắm lại USB token`,
    'why.pcscd-not-running': 'dịch vụ thẻ thông minh (pcscd) chưa chạy: sudo systemctl start pcscd',
    'why.token-not-initialised': 'trình điều khiển không thấy USB token: token chưa được khởi tạo, hoặc đang khởi động (chờ vài giây rồi cắm lại)',
    'why.unknown-device': 'thiết bị capbu chưa biết: báo mã thiết bị cho bộ phận IT để bổ sung vào danh mục (mục "devices" trong settings)',
    pinPrompt: 'Mã PIN của khách hàng (không hiển thị): ',
    pinTypeaheadDiscarded: 'Các phím gõ trước khi có lời nhắc này đã bị bỏ qua (vài phím đầu có thể đã hiện trên màn hình); hãy nhập mã PIN bây giờ.',
    registryImported: (v) => `Đã nhập danh sách thuê bao: thêm ${v.added}, cập nhật ${v.updated}.`,
    demoCreated: (v) => `Đã tạo bộ dữ liệu demo tại ${v.directory}.`,
    demoExists: (v) => `Bộ dữ liệu demo đã có sẵn tại ${v.directory}.`,
    demoTokens: (v) => `USB token demo: ${v.tokens} (mã PIN ${v.pin}). Để dùng trong cửa sổ dòng lệnh này:`,
    centralListening: (v) => `Hệ thống trung tâm đang chạy tại ${v.url} (chiến dịch ${v.campaign}).`,
    demoPlugged: (v) => `Đã cắm USB token ${v.token}.`,
    demoPulled: (v) => `Đã rút USB token ${v.token}.`,
    centralRegistryImported: (v) => `Đã nhập danh sách thuê bao: thêm ${v.added}, cập nhật ${v.updated}, giữ nguyên ${v.unchanged} (phiên bản ${v.version}).`,
    centralCertsAdded: (v) => `Đã nạp chứng thư số: thêm ${v.added}, đã có ${v.known}.`,
    centralKioskAdded: (v) => `Đã thêm máy quầy ${v.id} (tỉnh ${v.province}, kênh ${v.channel}). Mã đăng ký dùng một lần, hiệu lực đến ${v.expires}:`,
    centralKioskRevoked: (v) => `Đã thu hồi máy quầy ${v.id}.`,
    centralKioskReissued: (v) => `Máy quầy ${v.id}: mã và thông tin xác thực cũ không còn dùng được. Mã đăng ký mới dùng một lần, hiệu lực đến ${v.expires}:`,
    centralReporterAdded: (v) => `Đã thêm thông tin xác thực báo cáo ${v.id}: chỉ được đọc báo cáo. Mã đăng ký dùng một lần, hiệu lực đến ${v.expires}:`,
    enrolled: (v) => `Đã đăng ký máy quầy ${v.id} (tỉnh ${v.province}, kênh ${v.channel}); thông tin xác thực lưu tại ${v.path}.`,
    reportTitle: (v) => `Chiến dịch ${v.campaign}, báo cáo lúc ${v.at}`,
    reportTotal: 'Tổng',
    reportProvince: 'Tỉnh',
    reportCampaign: 'Chiến dịch',
    reportCampaignPlan: (v) => `${v.name} (${v.id})`,
    reportHardware: 'Phiên bản thiết bị',
    reportChannel: 'Kênh',
    reportDay: 'Ngày',
    reportEligible: 'Đủ điều kiện',
    reportPlanTitle: (v) => `Lộ trình cấp bù, ngày ${v.today}; tỉ lệ khách hàng tự thực hiện: ${v.share}`,
    reportPhase: (v) => `Giai đoạn ${v.id}: ${v.from}–${v.to} (${v.status})`,
    'reportPhase.upcoming': 'chưa bắt đầu',
    'reportPhase.open': 'đang triển khai',
    'reportPhase.ended': 'đã kết thúc',
    reportPhaseColumn: 'Giai đoạn',
    reportDaysLeft: 'Còn (ngày)',
    reportSelfService: 'Tự thực hiện',
    reportShare: 'Tỉ lệ',
    reportTarget: 'Mục tiêu',
    reportOnTrack: 'Đúng tiến độ',
    reportPlanOpens: '* phiên bản thiết bị được mở cấp bù trong giai đoạn này',
    reportRenewed: 'Đã cấp bù',
    reportRemaining: 'Chưa cấp bù',
    reportRefused: 'Từ chối (lý do:số lượng)',
    renewDone: (v) => `Đã cấp bù: chứng thư số ${v.old} trên USB token được thay bằng chứng thư số ${v.serial}, có hiệu lực đến hết ngày ${v.notAfter}.`,
    renewAlready: (v) => `USB token này đã được cấp bù trước đó: chứng thư số ${v.serial} (thay cho ${v.old}), có hiệu lực đến hết ngày ${v.notAfter}.`,
    renewPending: (v) => `Hệ thống trung tâm chưa trả lời được (mất kết nối hoặc đang gặp sự cố): yêu cầu cấp bù ${v.serial} đã lưu, sẽ gửi khi có kết nối. Khi có mạng, chạy "capbu sync" rồi cấp bù lại với USB token này.`,
    clockWarning: 'cảnh báo: đồng hồ của máy quầy lệch quá 5 phút so với hệ thống trung tâm; hãy chỉnh lại đồng hồ',
    portalsIntro: 'Khách hàng cần cập nhật chứng thư số mới trên các hệ thống:',
    'portal.tax': 'Thuế điện tử (thuedientu.gdt.gov.vn)',
    'portal.customs': 'Hải quan điện tử — sau 24 giờ mới làm thủ tục thông quan được',
    'portal.social-insurance': 'Bảo hiểm xã hội (BHXH)',
    'portal.one-stop': 'Cổng Một cửa quốc gia',
    'portal.public-services': 'Cổng Dịch vụ công (dichvucong.gov.vn)',
    receiptSaved: (v) => `Đã lưu biên nhận: ${v.path}`,
    registryPulled: (v) => `Danh sách thuê bao: ${v.changed} dòng thay đổi, phiên bản ${v.version}.`,
    registryNotPulled: 'Danh sách thuê bao: hệ thống trung tâm chưa trả lời được; vẫn dùng bản đã có.',
    'step.read': 'Đọc USB token',
    'step.decide': 'Xét điều kiện cấp bù',
    'step.pin': 'Kiểm tra mã PIN',
    'step.sign-request': 'Ký yêu cầu cấp bù trên USB token',
    'step.send': (v) => `Gửi yêu cầu tới hệ thống trung tâm${Number(v.attempt) > 1 ? ` (lần ${v.attempt})` : ''}`,
    'step.wait': (v) => `Chưa kết nối được; chờ ${v.duration} rồi gửi lại`,
    'step.receive': 'Nhận và kiểm tra chứng thư số mới',
    'step.write': 'Ghi chứng thư số mới vào USB token',
    'step.verify': 'Đọc lại và đối chiếu chứng thư số mới',
    'step.remove-old': 'Xóa chứng thư số cũ khỏi USB token',
    'step.done': (v) => `Hoàn tất sau ${v.duration}.`,
    'step.queued': (v) => `Đã lưu, sẽ gửi khi có kết nối (sau ${v.duration}).`,
    'step.failed': (v) => `Dừng lại sau ${v.duration} (${v.code}).`,
    stepOk: (v) => `xong (${v.duration})`,
    stepFailed: (v) => `không thành công (${v.code})`,
    milliseconds: (v) => `${v.n} ms`,
    seconds: (v) => `${String(v.n).replace('.', ',')} giây`,
    syncSummary: (v) => `Đồng bộ: cấp ${v.issued}, còn chờ ${v.waiting}, bị từ chối ${v.refused}.`,
    syncEvents: (v) => `Nhật ký: đã gửi ${v.sent} sự kiện; hệ thống trung tâm đã nhận sự kiện 1–${v.acknowledged}; còn chờ ${v.pending}.`,
    never: 'chưa bao giờ',
    ago: (v) => `${v.hours} giờ trước`,
    statusKiosk: (v) => `Máy quầy ${v.id}, đã đăng ký với ${v.url}`,
    statusNotEnrolled: 'Máy quầy: chưa đăng ký',
    statusContact: (v) => `Lần liên lạc gần nhất với hệ thống trung tâm: ${v.at}`,
    statusEvents: (v) => `Nhật ký: ${v.last} sự kiện, hệ thống trung tâm đã nhận 1–${v.acknowledged}, còn chờ ${v.pending} (cũ nhất: ${v.age})`,
    statusRenewals: (v) => `Yêu cầu cấp bù chờ hệ thống trung tâm: ${v.pending} (cũ nhất: ${v.age})`,
    statusRegistry: (v) => `Danh sách thuê bao: phiên bản ${v.version}, cập nhật ${v.age}`,
    statusClock: (v) => `Đồng hồ: hệ thống trung tâm nhanh hơn máy quầy ${v.seconds} giây (lúc ${v.at})`,
    statusClockUnknown: 'Đồng hồ: chưa so với hệ thống trung tâm',
    warnUnsynced: (v) =>
      `cảnh báo: ${v.events} sự kiện và ${v.renewals} yêu cầu cấp bù đã chờ hơn ${v.hours} giờ chưa gửi được tới hệ thống trung tâm; hãy kết nối và chạy "capbu sync"`,
    warnRegistryOld: (v) => `cảnh báo: chưa có danh sách thuê bao hoặc bản đã cũ hơn ${v.days} ngày; hãy kết nối và chạy "capbu sync"`,
    kioskId: 'Máy quầy',
    kioskLastSeen: 'Đồng bộ gần nhất',
    kioskEvents: 'Sự kiện (đã xác nhận/đã lưu)',
    kioskChain: 'Chuỗi nhật ký',
    kioskChainOk: 'nguyên vẹn',
    kioskChainGaps: 'THIẾU',
    kioskRevoked: 'đã thu hồi',
    journalHeader: '   seq  thời gian         loại               nhân viên: nội dung',
    journalEmpty: 'Nhật ký trống.',
    journalIntact: (v) => `Nhật ký nguyên vẹn: ${v.events} sự kiện, mọi mã băm khớp và nối đúng sự kiện trước.`,
    journalBroken: (v) => `Nhật ký BỊ HỎNG tại sự kiện ${v.seq}: ${v.problem}. Giữ nguyên kho dữ liệu và báo cáo.`,
    'chain.edited': 'nội dung không còn khớp mã băm (đã bị sửa)',
    'chain.missing': 'sự kiện này bị mất',
    'chain.inserted': 'một sự kiện không thuộc chuỗi được chèn vào đây',
    'chain.out-of-order': 'các sự kiện bị đảo thứ tự',
    'event.check.decided': (v) =>
      `chứng thư số ${v.certificateSerial} trên USB token ${v.tokenSerial}: ${v.eligible ? 'thuộc diện cấp bù' : `không thuộc diện cấp bù (${list(v.reasons)})`}`,
    'event.pin.failed': (v) =>
      `sai mã PIN trên USB token ${v.tokenSerial}; theo máy quầy còn ${v.kioskRemaining} lần thử${v.token ? ` (token báo ${v.token})` : ''}`,
    'event.renewal.requested': (v) => `gửi yêu cầu cấp bù chứng thư số ${v.oldSerial} tới hệ thống trung tâm`,
    'event.renewal.queued': (v) => `yêu cầu cấp bù ${v.oldSerial}: đã lưu, sẽ gửi khi có kết nối`,
    'event.renewal.issued': (v) => `hệ thống trung tâm đã cấp chứng thư số ${v.newSerial} thay cho ${v.oldSerial}, hiệu lực đến ${v.notAfter}`,
    'event.renewal.installed': (v) => `đã ghi chứng thư số ${v.newSerial} vào USB token ${v.tokenSerial}, thay cho ${v.oldSerial}`,
    'event.rollout.overridden': (v) =>
      `phiên bản thiết bị ${v.hardwareVersion} chưa đến lượt theo lộ trình; cấp bù ${v.oldSerial} theo phê duyệt của giám sát: ${v.reason} (mã hết hạn ${v.expiresAt})`,
    'event.renewal.failed': (v) => `cấp bù ${v.oldSerial} không thành công: ${v.code}`,
    'event.registry.imported': (v) => `đã nạp danh sách thuê bao: ${v.rows} dòng (${v.added} mới, ${v.updated} cập nhật)`,
    'event.registry.pulled': (v) => `đã cập nhật danh sách thuê bao từ hệ thống trung tâm: ${v.rows} dòng, phiên bản ${v.version}`,
    'event.kiosk.enrolled': (v) => `máy quầy đã đăng ký với mã ${v.kioskId} tại ${v.centreUrl}`,
    'event.token.plugged': (v) => `đã cắm USB token ${v.label} (số sê-ri ${v.tokenSerial})`,
    'event.token.removed': (v) => `đã rút USB token ${v.label} (số sê-ri ${v.tokenSerial})`,
    'event.operator.signedIn': 'nhân viên đăng nhập',
    'event.operator.signedOut': 'nhân viên đăng xuất',
    'event.setting.changed': (v) => `đổi thiết lập "${v.name}" thành "${v.value}"`,
    'event.error': (v) => `lệnh ${v.command} kết thúc với lỗi ${v.code}`,
  },
};
