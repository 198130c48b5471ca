import type { IConstruct } from 'constructs';
import type { Setting, SettingSources } from '../settings/blueprint';

/**
 * What an app extension makes of its settings for one synth: nothing to do, problems that stop synth
 * (listed with every other problem), or a change to apply to the whole app.
 */
export type ExtensionActivation =
  | { readonly kind: 'off' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] }
  | { readonly kind: 'on'; readonly apply: (app: IConstruct) => void };

/**
 * A cross-cutting change applied once to every stack of the app, the way cdk-nag attaches rule
 * packs, instead of being threaded through each stack's constructor. The engine knows extensions
 * only by this shape; main.ts chooses them (e.g. the local sandbox's connection settings).
 * `apply` runs after the guardrails are attached, so its Aspects run after theirs: the guardrails
 * judge the real configuration.
 */
export interface AppExtension {
  /** The settings it reads, checked (strict booleans, no whitespace...) and reported like the engine's own. */
  readonly settings: readonly Setting[];
  activate(sources: SettingSources): ExtensionActivation;
}
