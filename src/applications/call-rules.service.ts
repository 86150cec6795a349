import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ApplicationsRepository } from './applications.repository.js';
import type { Call } from './call.entity.js';
import { modesFromDto, rulesFromDto, rulesProblems } from './call-rules.js';
import type { RuleModes } from './domain/eligibility.js';
import type { QuestionRule } from './domain/rules.js';
import type { QuestionRuleDto, RuleModesDto } from './dto/call.dto.js';

/**
 * The call builder's rules page: the modes of the fixed rules and the rules on questions, changed one
 * at a time. Every change is checked against the call's form in the call's transaction and audited.
 */
@Injectable()
export class CallRulesService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  setModes(tenant: Tenant, programmeId: string, modes: RuleModesDto, actorUserId: string): Promise<Call> {
    return this.change(tenant, programmeId, actorUserId, (call) => ({ rules: call.rules, ruleModes: modesFromDto(modes) }), { modes });
  }

  /** Adds a rule (no `id`) or replaces the rule with that id (404 when the call has none). */
  saveRule(tenant: Tenant, programmeId: string, rule: QuestionRuleDto, actorUserId: string): Promise<{ call: Call; rule: QuestionRule }> {
    let saved: QuestionRule | undefined;
    return this.change(
      tenant,
      programmeId,
      actorUserId,
      (call) => {
        const at = rule.id ? call.rules.findIndex((x) => x.id === rule.id) : -1;
        if (rule.id && at < 0) throw new DomainError('NOT_FOUND');
        const [next] = rulesFromDto([{ ...rule, id: undefined }]);
        saved = { ...next, id: at >= 0 ? call.rules[at].id : uniqueId(next.id, call.rules) };
        const rules = at >= 0 ? call.rules.map((x, i) => (i === at ? saved! : x)) : [...call.rules, saved];
        return { rules, ruleModes: call.ruleModes, problemAt: at >= 0 ? at : rules.length - 1 };
      },
      { rule: rule.id ?? 'new' },
    ).then((call) => ({ call, rule: saved! }));
  }

  removeRule(tenant: Tenant, programmeId: string, ruleId: string, actorUserId: string): Promise<Call> {
    return this.change(
      tenant,
      programmeId,
      actorUserId,
      (call) => {
        if (!call.rules.some((r) => r.id === ruleId)) throw new DomainError('NOT_FOUND');
        return { rules: call.rules.filter((r) => r.id !== ruleId), ruleModes: call.ruleModes };
      },
      { removed: ruleId },
    );
  }

  private change(
    tenant: Tenant,
    programmeId: string,
    actorUserId: string,
    next: (call: Call) => { rules: QuestionRule[]; ruleModes: RuleModes; problemAt?: number },
    data: Record<string, unknown>,
  ): Promise<Call> {
    return this.tx.run(async (em) => {
      const programme = await this.programmes.getForUpdate(em, tenant.id, programmeId);
      if (!programme) throw new DomainError('NOT_FOUND');
      const call = await this.applications.call(tenant.id, programmeId, em);
      if (!call) throw new DomainError('CALL_NOT_DEFINED');
      const { rules, ruleModes, problemAt } = next({ ...call, rules: call.rules ?? [], ruleModes: call.ruleModes ?? {} });
      const problems = rulesProblems(rules, call.form, call.categories, tenant.defaultLocale, true);
      // The page edits one rule: its problems are said as `rule.<part>`, the others' are not its doing.
      const own = problemAt === undefined ? problems : problems.filter((p) => p.field.startsWith(`rules.${problemAt}.`));
      if (own.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          {},
          // Said again for the new name: a message written for `rules.2.value` would keep that name.
          problemAt === undefined ? own : own.map((p) => (p.key ? fieldProblem(p.field.replace(/^rules\.\d+\./, 'rule.'), p.key, p.values) : p)),
        );
      const saved = await this.applications.saveCall(em, { tenantId: tenant.id, programmeId, rules, ruleModes });
      await this.audit.record(em, { tenantId: tenant.id, actorUserId, action: 'call.rules_updated', subjectType: 'programme', subjectId: programmeId, data });
      return saved;
    });
  }
}

function uniqueId(id: string, rules: readonly QuestionRule[]): string {
  let out = id;
  for (let n = 2; rules.some((r) => r.id === out); n++) out = `${id}-${n}`;
  return out;
}
