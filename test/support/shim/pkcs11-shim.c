/*
 * A PKCS#11 module that forwards to a real one (SoftHSM2) but behaves, where told, like hardware
 * this machine does not have: a token that reports its PIN locked or on its final try, answers
 * logins the way some vendors do, reports its free memory, or is pulled out mid-read.
 * Driven by environment variables so the capbu process under test runs unchanged:
 *   CAPBU_SHIM_MODULE        the real module (default: Debian's SoftHSM2)
 *   CAPBU_SHIM_TOKEN_FLAGS   bits OR-ed into CK_TOKEN_INFO.flags
 *   CAPBU_SHIM_LOGIN_RV      C_Login returns this CK_RV instead of logging in
 *   CAPBU_SHIM_FREE_PUBLIC   CK_TOKEN_INFO.ulFreePublicMemory
 *   CAPBU_SHIM_REMOVE_AFTER  after this many C_GetAttributeValue calls, the token is gone
 *   CAPBU_SHIM_REMOVE_AT_SIGN set: the token is gone from the first C_SignInit on (mid key proof)
 *   CAPBU_SHIM_LOGIN_LOG     a file that gets one line per C_Login the application attempts
 *   CAPBU_SHIM_MIN_PIN, CAPBU_SHIM_MAX_PIN
 *                            CK_TOKEN_INFO.ulMinPinLen / ulMaxPinLen (a Viettel-CA token: 8, 64)
 *   CAPBU_SHIM_SLOW_INIT_MS  C_Initialize takes this long, as some vendor modules do; it first creates
 *                            the file CAPBU_SHIM_INIT_MARK, if set, so a test knows it is under way
 *   CAPBU_SHIM_INIT_LOG      a file that gets one line (the process id) per C_Initialize, so a test
 *                            sees which processes initialised the module
 *   CAPBU_SHIM_SLOW_SIGN_MS  each C_Sign takes this long more, as a real token's RSA signature does
 *                            (0.3-1.5 s); with CAPBU_SHIM_SLOW_MARK set, the file MARK is created as
 *                            the call starts to wait and MARK.done once it returns, so a test knows
 *                            when a call is blocked in the module
 *   CAPBU_SHIM_DIE_IN_CREATE the process dies (SIGKILL) inside the C_CreateObject of a certificate:
 *                            "half" after creating the object with only its class, as SoftHSM2's
 *                            non-atomic create leaves it; "full" after creating it whole
 */
#include <dlfcn.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST shim;
static long attribute_calls;
static int removed_at_sign;

static long env_long(const char *name, long fallback) {
  const char *value = getenv(name);
  return value && *value ? strtol(value, NULL, 0) : fallback;
}

static int pulled(void) {
  if (removed_at_sign) return 1;
  long after = env_long("CAPBU_SHIM_REMOVE_AFTER", -1);
  return after >= 0 && attribute_calls >= after;
}

static CK_RV shim_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  if (pulled() && present) {
    *count = 0;
    return CKR_OK;
  }
  return real->C_GetSlotList(present, list, count);
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  if (pulled()) return CKR_TOKEN_NOT_PRESENT;
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK) return rv;
  info->flags |= (CK_FLAGS)env_long("CAPBU_SHIM_TOKEN_FLAGS", 0);
  long free_public = env_long("CAPBU_SHIM_FREE_PUBLIC", -1);
  if (free_public >= 0) info->ulFreePublicMemory = (CK_ULONG)free_public;
  long min_pin = env_long("CAPBU_SHIM_MIN_PIN", -1);
  if (min_pin >= 0) info->ulMinPinLen = (CK_ULONG)min_pin;
  long max_pin = env_long("CAPBU_SHIM_MAX_PIN", -1);
  if (max_pin >= 0) info->ulMaxPinLen = (CK_ULONG)max_pin;
  return rv;
}

static CK_RV shim_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR session) {
  if (pulled()) return CKR_TOKEN_NOT_PRESENT;
  return real->C_OpenSession(slot, flags, app, notify, session);
}

static CK_RV shim_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key) {
  if (env_long("CAPBU_SHIM_REMOVE_AT_SIGN", 0)) removed_at_sign = 1;
  if (pulled()) return CKR_DEVICE_REMOVED;
  return real->C_SignInit(session, mechanism, key);
}

static void touch(const char *path, const char *suffix) {
  char name[4096];
  snprintf(name, sizeof name, "%s%s", path, suffix);
  FILE *f = fopen(name, "w");
  if (f) fclose(f);
}

static CK_RV shim_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR signature, CK_ULONG_PTR signature_len) {
  if (pulled()) return CKR_DEVICE_REMOVED;
  long ms = env_long("CAPBU_SHIM_SLOW_SIGN_MS", 0);
  const char *mark = getenv("CAPBU_SHIM_SLOW_MARK");
  // Asked for the signature's length only (no buffer): no signing happens, so no wait either.
  int slow = ms > 0 && signature != NULL;
  if (slow && mark && *mark) touch(mark, "");
  if (slow) usleep((useconds_t)ms * 1000);
  CK_RV rv = real->C_Sign(session, data, len, signature, signature_len);
  if (slow && mark && *mark) touch(mark, ".done");
  return rv;
}

static CK_RV shim_Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  if (pulled()) return CKR_DEVICE_REMOVED;
  const char *log = getenv("CAPBU_SHIM_LOGIN_LOG");
  FILE *f = log && *log ? fopen(log, "a") : NULL;
  if (f) {
    fputs("C_Login\n", f);
    fclose(f);
  }
  long rv = env_long("CAPBU_SHIM_LOGIN_RV", -1);
  if (rv >= 0) return (CK_RV)rv;
  return real->C_Login(session, user, pin, len);
}

static CK_RV shim_FindObjectsInit(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  if (pulled()) return CKR_DEVICE_REMOVED;
  return real->C_FindObjectsInit(session, tmpl, count);
}

static CK_RV shim_FindObjects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max, CK_ULONG_PTR count) {
  if (pulled()) return CKR_DEVICE_REMOVED;
  return real->C_FindObjects(session, objects, max, count);
}

static CK_RV shim_GetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  if (pulled()) return CKR_DEVICE_REMOVED;
  attribute_calls++;
  return real->C_GetAttributeValue(session, object, tmpl, count);
}

static CK_RV shim_Initialize(CK_VOID_PTR args) {
  const char *mark = getenv("CAPBU_SHIM_INIT_MARK");
  FILE *f = mark && *mark ? fopen(mark, "w") : NULL;
  if (f) fclose(f);
  const char *log = getenv("CAPBU_SHIM_INIT_LOG");
  FILE *l = log && *log ? fopen(log, "a") : NULL;
  if (l) {
    fprintf(l, "%ld\n", (long)getpid());
    fclose(l);
  }
  long ms = env_long("CAPBU_SHIM_SLOW_INIT_MS", 0);
  if (ms > 0) usleep((useconds_t)ms * 1000);
  return real->C_Initialize(args);
}

static int creates_certificate(CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  for (CK_ULONG i = 0; i < count; i++) {
    if (tmpl[i].type == CKA_CLASS && tmpl[i].ulValueLen == sizeof(CK_OBJECT_CLASS)) {
      return *(CK_OBJECT_CLASS *)tmpl[i].pValue == CKO_CERTIFICATE;
    }
  }
  return 0;
}

static CK_RV shim_CreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count, CK_OBJECT_HANDLE_PTR object) {
  const char *die = getenv("CAPBU_SHIM_DIE_IN_CREATE");
  if (!die || !*die || !creates_certificate(tmpl, count)) return real->C_CreateObject(session, tmpl, count, object);
  if (strcmp(die, "full") == 0) {
    real->C_CreateObject(session, tmpl, count, object);
  } else {
    // Class, certificate type and CKA_TOKEN only: SoftHSM2 refuses the template as incomplete
    // but keeps the object it had already made, with no label, ID, subject or value.
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE partial[] = {
      {CKA_CLASS, &cls, sizeof cls},
      {CKA_CERTIFICATE_TYPE, &type, sizeof type},
      {CKA_TOKEN, &yes, sizeof yes},
    };
    real->C_CreateObject(session, partial, 3, object);
  }
  raise(SIGKILL);
  return CKR_GENERAL_ERROR;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out) {
  const char *path = getenv("CAPBU_SHIM_MODULE");
  void *handle = dlopen(path && *path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
  if (!handle) return CKR_GENERAL_ERROR;
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
  if (!get || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
  shim = *real;
  shim.C_Initialize = shim_Initialize;
  shim.C_GetSlotList = shim_GetSlotList;
  shim.C_GetTokenInfo = shim_GetTokenInfo;
  shim.C_OpenSession = shim_OpenSession;
  shim.C_Login = shim_Login;
  shim.C_SignInit = shim_SignInit;
  shim.C_Sign = shim_Sign;
  shim.C_FindObjectsInit = shim_FindObjectsInit;
  shim.C_FindObjects = shim_FindObjects;
  shim.C_GetAttributeValue = shim_GetAttributeValue;
  shim.C_CreateObject = shim_CreateObject;
  *out = &shim;
  return CKR_OK;
}
