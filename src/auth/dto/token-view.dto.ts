import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../user.entity.js';

/** A bearer token handed out by a sign-in link, an invitation or a password. */
export class TokenViewDto {
  @ApiProperty({ description: 'An opaque bearer token (not a JWT): send it as `Authorization: Bearer <token>`', example: 'tpl_3q2Jx9LwV0cTn5yHk8sRbA' })
  token: string;
  @ApiProperty({ format: 'uuid', example: '5d3c1b2a-0f9e-4d8c-b7a6-95847362514a' }) userId: string;
}

/** After a link: the token and where the link leads (the page the person was going to). */
export class LinkTokenViewDto extends TokenViewDto {
  @ApiProperty({ type: String, nullable: true, description: 'The path the link leads to, if any', example: '/programmes/makers-2026/apply' })
  next: string | null;
}

export class RoleGrantViewDto {
  @ApiProperty({ enum: ROLES, example: 'juror' }) role: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The programme the role is for; null: the whole authority' }) programmeId:
    string | null;
}

/** An accepted invitation: the token, where it leads and the person's roles. */
export class InvitationAcceptedDto extends LinkTokenViewDto {
  @ApiProperty({ type: [RoleGrantViewDto] }) roles: RoleGrantViewDto[];
}

/** The answer of a request whose effect is an e-mail (the same whether the address is known or not). */
export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' }) status: 'accepted';
}
