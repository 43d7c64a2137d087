// form-js validates in English; clerks read German. This module wraps form-js's validator service and translates
// its messages (the list follows form-js-viewer's Validator); a message it does not know stays as it is.

const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Field is required\.$/, () => 'Bitte füllen Sie dieses Feld aus.'],
  [/^Field must match pattern (.*)\.$/, (m) => `Die Eingabe hat nicht das erwartete Format (${m[1]}).`],
  [/^Field must have minimum value of (.*)\.$/, (m) => `Der Wert muss mindestens ${m[1]} sein.`],
  [/^Field must have maximum value of (.*)\.$/, (m) => `Der Wert darf höchstens ${m[1]} sein.`],
  [/^Field must have minimum length of (.*)\.$/, (m) => `Bitte geben Sie mindestens ${m[1]} Zeichen ein.`],
  [/^Field must have maximum length of (.*)\.$/, (m) => `Bitte geben Sie höchstens ${m[1]} Zeichen ein.`],
  [/^Field must be a valid\s+international phone number/, () => 'Bitte geben Sie eine internationale Telefonnummer ein (z. B. +4930664040900).'],
  [/^Field must be a valid email\.$/, () => 'Bitte geben Sie eine gültige E-Mail-Adresse ein.'],
  [/^Value is not a number\.$/, () => 'Bitte geben Sie eine Zahl ein.'],
  [/^Value is expected to be an integer\.$/, () => 'Bitte geben Sie eine ganze Zahl ein.'],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, (m) => `Bitte geben Sie höchstens ${m[1]} Nachkommastellen ein.`],
  [/^Date and time must both be entered\.$/, () => 'Bitte geben Sie Datum und Uhrzeit an.'],
  [/^Please select a valid value, the two nearest valid values are (.*) and (.*)\.$/, (m) => `Bitte wählen Sie einen gültigen Wert, zum Beispiel ${m[1]} oder ${m[2]}.`],
];

export function germanFormMessage(message: string): string {
  for (const [pattern, german] of rules) {
    const m = message.match(pattern);
    if (m) return german(m);
  }
  return message;
}

interface ValidatorService {
  validateField(field: unknown, value: unknown): string[];
  validateFieldInstance(instance: unknown, value: unknown): string[];
}

function GermanValidation(validator: ValidatorService) {
  const field = validator.validateField.bind(validator);
  const instance = validator.validateFieldInstance.bind(validator);
  validator.validateField = (f, v) => field(f, v).map(germanFormMessage);
  validator.validateFieldInstance = (i, v) => instance(i, v).map(germanFormMessage);
}
GermanValidation.$inject = ['validator'];

/** A form-js module (didi) that makes the validator speak German. */
export const germanValidationModule = {
  __init__: ['germanValidation'],
  germanValidation: ['type', GermanValidation],
};
