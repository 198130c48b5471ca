import { UserError } from '../lib/definitions/errors';
import { sandboxFromEnv } from '../tooling/toolkit/sandbox-flag';
import { BootstrapError } from '../tooling/toolkit/errors';
import { SandboxError } from '../tooling/sandbox/lifecycle';
import { EmulatorInstallError } from '../tooling/sandbox/emulator';

describe('SANDBOX as the tooling reads it: the settings table\'s strict boolean', () => {
  it('reads yes/no values and unset as false', () => {
    expect(sandboxFromEnv({})).toBe(false);
    expect(sandboxFromEnv({ SANDBOX: '' })).toBe(false);
    expect(sandboxFromEnv({ SANDBOX: '1' })).toBe(true);
    expect(sandboxFromEnv({ SANDBOX: 'TRUE' })).toBe(true);
    expect(sandboxFromEnv({ SANDBOX: 'no' })).toBe(false);
  });
  it('refuses a typo instead of meaning real AWS', () => {
    expect(() => sandboxFromEnv({ SANDBOX: 'ture' })).toThrow(new UserError('SANDBOX: "ture" is not a boolean: use SANDBOX=1 to target the local sandbox, or unset it for AWS'));
  });
});

describe('one user-error base class', () => {
  it('every tooling problem is a UserError named after its class', () => {
    for (const error of [new BootstrapError('b'), new SandboxError('s'), new EmulatorInstallError('e')]) {
      expect(error).toBeInstanceOf(UserError);
      expect(error.name).toBe(error.constructor.name);
    }
  });
});
